package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sightline.core.model.Tenants;
import dev.sightline.slo.alerting.SpecRejectedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantSloStacksTest {
  @TempDir Path dir;

  /** Stacks without parts: these tests never evaluate nor close them. */
  static TenantSloStacks stacks(List<String> created) {
    return new TenantSloStacks(
        t -> {
          created.add(t);
          return new SloStack(t, null, null, null);
        });
  }

  @Test
  void defaultTenantAtOnce_othersOnFirstUse_cappedAt1000() {
    List<String> created = new ArrayList<>();
    TenantSloStacks stacks = stacks(created);
    assertThat(created).containsExactly(Tenants.DEFAULT);
    assertThat(stacks.get("acme")).isNull();
    SloStack acme = stacks.getOrCreate("acme");
    assertThat(stacks.getOrCreate("acme")).isSameAs(acme);
    assertThat(stacks.get("acme")).isSameAs(acme);
    for (int i = stacks.all().size(); i < TenantSloStacks.MAX_TENANTS; i++) {
      stacks.getOrCreate("t" + i);
    }
    assertThat(stacks.all()).hasSize(TenantSloStacks.MAX_TENANTS);
    assertThatThrownBy(() -> stacks.getOrCreate("one-more"))
        .isInstanceOf(SpecRejectedException.class)
        .hasMessageContaining("limited to 1000 tenants");
    assertThat(stacks.getOrCreate("acme")).isSameAs(acme);
  }

  @Test
  void invalidNamesNeverBecomeStacksNorPaths() {
    TenantSloStacks stacks = stacks(new ArrayList<>());
    for (String bad : List.of("..", "../etc", "a/b", "Acme", "")) {
      assertThatThrownBy(() -> stacks.getOrCreate(bad))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> TenantSloStacks.tenantDir(dir, bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(stacks.all()).hasSize(1);
  }

  @Test
  void tenantFilesLiveUnderDataTenants_defaultKeepsTheDataDir() {
    assertThat(TenantSloStacks.tenantDir(dir, Tenants.DEFAULT)).isEqualTo(dir);
    Path acme = TenantSloStacks.tenantDir(dir, "acme");
    assertThat(acme).isEqualTo(dir.resolve("tenants").resolve("acme").toAbsolutePath());
    assertThat(acme).isDirectory();
  }

  @Test
  void foldersOfDataAndSloDirBecomeStacks_invalidOnesAreSkipped() throws Exception {
    Files.createDirectories(dir.resolve("data/tenants/acme"));
    Files.createDirectories(dir.resolve("data/tenants/Bad Name"));
    Files.createDirectories(dir.resolve("slos/globex"));
    Files.createDirectories(dir.resolve("slos/default"));
    Files.createDirectories(dir.resolve("slos/.git"));
    List<String> created = new ArrayList<>();
    TenantSloStacks stacks = stacks(created);
    stacks.createFromFolders(dir.resolve("data"), dir.resolve("slos"));
    assertThat(created).containsExactly(Tenants.DEFAULT, "acme", "globex");
  }
}
