package dev.sightline.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sightline token create|list|revoke} and the file it writes. */
class TokenCommandTest {
  @TempDir Path dir;

  record Run(int status, String out, String err) {
    String lastLine() {
      String[] lines = out.strip().split("\n");
      return lines[lines.length - 1];
    }
  }

  static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        TokenCommand.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** Creates a token and returns it (the last line of the output). */
  static String create(Path file, String tenant, String roles) {
    Run r =
        run(
            Map.of(),
            "create",
            "--auth-file",
            file.toString(),
            "--tenant",
            tenant,
            "--role",
            roles,
            "--name",
            tenant + " " + roles);
    assertThat(r.status()).as(r.err()).isZero();
    return r.lastLine();
  }

  @Test
  void createListRevoke() throws Exception {
    Path file = dir.resolve("sub/tokens.json");
    String token = create(file, "acme", "ingest,read");
    assertThat(token).matches("sl_[0-9a-f]{8}_[A-Za-z0-9_-]{43}");
    String id = token.substring(3, 11);
    String stored = Files.readString(file);
    assertThat(stored)
        .contains("\"id\" : \"" + id + "\"")
        .contains("\"tenant\" : \"acme\"")
        .contains("\"roles\" : [ \"ingest\", \"read\" ]")
        .contains(HexFormat.of().formatHex(TokenFile.hash(token)))
        .doesNotContain(token.substring(12));
    if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    String other = create(file, "globex", "admin");

    Run list = run(Map.of("SIGHTLINE_AUTH_FILE", file.toString()), "list");
    assertThat(list.status()).isZero();
    List<String> lines = list.out().lines().toList();
    assertThat(lines.get(0)).startsWith("ID").contains("NAME", "TENANT", "ROLES", "CREATED");
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1)).startsWith(id).contains("acme ingest,read", "ingest,read");
    assertThat(list.out()).doesNotContain(token.substring(12)).doesNotContain(other.substring(12));

    Run revoke = run(Map.of(), "revoke", "--auth-file", file.toString(), id);
    assertThat(revoke.status()).isZero();
    assertThat(TokenFile.read(file)).extracting(TokenFile.Entry::tenant).containsExactly("globex");
    assertThat(run(Map.of(), "revoke", "--auth-file", file.toString(), id).status()).isEqualTo(1);
  }

  @Test
  void usageErrors() {
    Path file = dir.resolve("t.json");
    assertThat(run(Map.of(), "create", "--tenant", "a", "--role", "read").err())
        .contains("--auth-file FILE is required");
    Run badRole =
        run(Map.of(), "create", "--auth-file", file.toString(), "--tenant", "a", "--role", "root");
    assertThat(badRole.status()).isEqualTo(2);
    assertThat(badRole.err()).contains("unknown role 'root' (roles: ingest, read, write, admin)");
    Run badTenant =
        run(
            Map.of(),
            "create",
            "--auth-file",
            file.toString(),
            "--tenant",
            "../x",
            "--role",
            "read");
    assertThat(badTenant.status()).isEqualTo(2);
    assertThat(badTenant.err()).contains("tenant '../x'");
    assertThat(Files.exists(file)).isFalse();
    assertThat(run(Map.of(), "list", "--auth-file", file.toString()).status()).isEqualTo(1);
    assertThat(run(Map.of(), "rotate", "--auth-file", file.toString()).status()).isEqualTo(2);
  }
}
