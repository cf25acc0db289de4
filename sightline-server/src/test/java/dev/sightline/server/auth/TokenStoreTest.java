package dev.sightline.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenStoreTest {
  @TempDir Path dir;

  @Test
  void authenticatesByHashAndReloadsAtMostOnceASecond() throws Exception {
    Path file = dir.resolve("tokens.json");
    TokenFile.Created a = TokenFile.create(file, "ci", "acme", Set.of(Role.INGEST));
    AtomicLong now = new AtomicLong();
    TokenStore store = TokenStore.open(file, now::get);
    Principal p = store.authenticate(a.token());
    assertThat(p).isEqualTo(new Principal(a.entry().id(), "ci", "acme", Set.of(Role.INGEST)));
    assertThat(store.authenticate(a.token() + "x")).isNull();
    assertThat(store.authenticate(a.token().substring(0, 12) + "A".repeat(43))).isNull();
    assertThat(store.authenticate("Bearer")).isNull();

    TokenFile.Created b = TokenFile.create(file, "", "globex", Set.of(Role.READ));
    assertThat(store.authenticate(b.token())).as("checked at most once a second").isNull();
    now.addAndGet(TokenStore.CHECK_INTERVAL_NANOS);
    assertThat(store.authenticate(b.token())).isNotNull();

    TokenFile.revoke(file, a.entry().id());
    now.addAndGet(TokenStore.CHECK_INTERVAL_NANOS);
    assertThat(store.authenticate(a.token())).isNull();
    assertThat(store.byId(a.entry().id())).isNull();

    // a broken file keeps the tokens read before
    Files.writeString(file, "{\"tokens\": [ {\"id\": \"nope\"} ]}");
    now.addAndGet(TokenStore.CHECK_INTERVAL_NANOS);
    assertThat(store.authenticate(b.token())).isNotNull();
    Files.delete(file);
    now.addAndGet(TokenStore.CHECK_INTERVAL_NANOS);
    assertThat(store.authenticate(b.token())).isNotNull();
  }

  @Test
  void aMissingOrBrokenFileStopsTheStart() throws Exception {
    Path file = dir.resolve("absent.json");
    assertThatThrownBy(() -> TokenStore.open(file))
        .hasMessageContaining("does not exist; create a token with: sightline token create");
    Files.writeString(file, "[]");
    assertThatThrownBy(() -> TokenStore.open(file))
        .hasMessageContaining("expected a JSON object {\"tokens\": [...]}");
  }
}
