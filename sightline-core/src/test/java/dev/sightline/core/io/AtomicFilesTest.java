package dev.sightline.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void replacesTheFileWholeAndLeavesNoTemporaryFile() throws Exception {
    Path file = dir.resolve("sub").resolve("state.json");
    AtomicFiles.write(file, "{\"v\": 1}");
    AtomicFiles.write(file, "{\"v\": 2}");
    assertThat(Files.readString(file)).isEqualTo("{\"v\": 2}");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }

  @Test
  void aStrayTemporaryFileFromACrashIsOverwritten() throws Exception {
    Path file = dir.resolve("a.yaml");
    Files.writeString(dir.resolve(".a.yaml.tmp"), "half a file from before the crash, longer than");
    AtomicFiles.write(file, "name: a".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("name: a");
    assertThat(dir.resolve(".a.yaml.tmp")).doesNotExist();
  }

  @Test
  void ownerOnlyFilesAreNeverReadableByOthers() throws Exception {
    Path file = dir.resolve("tokens.json");
    Files.writeString(dir.resolve(".tokens.json.tmp"), "stale, world-readable");
    AtomicFiles.writeOwnerOnly(file, "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(Files.readString(file)).isEqualTo("{}");
    if (Files.getFileStore(dir).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    assertThat(dir.resolve(".tokens.json.tmp")).doesNotExist();
  }

  @Test
  void deleteSaysWhetherTheFileExisted() throws Exception {
    Path file = dir.resolve("gone.json");
    assertThat(AtomicFiles.delete(file)).isFalse();
    AtomicFiles.write(file, "x");
    assertThat(AtomicFiles.delete(file)).isTrue();
    assertThat(file).doesNotExist();
  }
}
