package dev.sightline.server.auth;

import dev.sightline.server.CommandArgs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code sightline token create|list|revoke}: manages the {@code --auth-file}. A running server
 * picks changes up within a second. Exit status 0 on success, 1 when the token to revoke does not
 * exist or the file cannot be used, 2 for usage errors.
 */
public final class TokenCommand {
  public static final String USAGE =
      "Usage: sightline token create --auth-file FILE --tenant NAME --role ROLE[,ROLE...]"
          + " [--name LABEL]\n"
          + "       sightline token list --auth-file FILE\n"
          + "       sightline token revoke --auth-file FILE ID\n"
          + "Roles: ingest (OTLP), read (queries, UI), write (SLO specs, incident actions),"
          + " admin (everything).\n"
          + "--auth-file defaults to $SIGHTLINE_AUTH_FILE.";

  private TokenCommand() {}

  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length == 0) return usage(err, "a subcommand is required");
    String sub = args[0];
    CommandArgs parsed;
    try {
      parsed = CommandArgs.parse(args, 1);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    Map<String, String> flags = parsed.flags();
    List<String> positional = parsed.positional();
    String fileName = flags.remove("auth-file");
    if (fileName == null) fileName = env.get("SIGHTLINE_AUTH_FILE");
    if (fileName == null || fileName.isBlank()) return usage(err, "--auth-file FILE is required");
    Path file;
    try {
      file = Path.of(fileName);
    } catch (InvalidPathException e) {
      return usage(err, e.getMessage());
    }
    try {
      switch (sub) {
        case "create":
          return create(file, flags, positional, out, err);
        case "list":
          if (!flags.isEmpty() || !positional.isEmpty()) {
            return usage(err, "list takes only --auth-file");
          }
          return list(file, out);
        case "revoke":
          if (!flags.isEmpty() || positional.size() != 1) {
            return usage(err, "revoke takes --auth-file and one token ID");
          }
          if (TokenFile.revoke(file, positional.get(0))) {
            out.println("revoked token " + positional.get(0) + " (in effect within a second)");
            return 0;
          }
          err.println("sightline token revoke: no token " + positional.get(0) + " in " + file);
          return 1;
        default:
          return usage(err, "unknown subcommand '" + sub + "'");
      }
    } catch (NoSuchFileException e) {
      err.println("sightline token " + sub + ": " + file + " does not exist");
      return 1;
    } catch (IOException e) {
      err.println("sightline token " + sub + ": cannot use " + file + ": " + e);
      return 1;
    } catch (IllegalArgumentException e) {
      err.println("sightline token " + sub + ": " + file + ": " + e.getMessage());
      return 1;
    }
  }

  private static int create(
      Path file,
      Map<String, String> flags,
      List<String> positional,
      PrintStream out,
      PrintStream err)
      throws IOException {
    String tenant = flags.remove("tenant");
    String roleList = flags.remove("role");
    if (roleList == null) roleList = flags.remove("roles");
    String name = flags.remove("name");
    if (!flags.isEmpty()) return usage(err, "unknown flag --" + flags.keySet().iterator().next());
    if (!positional.isEmpty()) return usage(err, "unexpected argument '" + positional.get(0) + "'");
    if (tenant == null) return usage(err, "--tenant NAME is required");
    if (roleList == null) return usage(err, "--role ROLE[,ROLE...] is required");
    Set<Role> roles;
    try {
      roles = Role.parseList(roleList);
      TokenFile.checkTenant(tenant);
    } catch (IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    TokenFile.Created created = TokenFile.create(file, name == null ? "" : name, tenant, roles);
    TokenFile.Entry e = created.entry();
    out.println(
        "created token "
            + e.id()
            + (e.name().isEmpty() ? "" : " '" + e.name() + "'")
            + " of tenant "
            + e.tenant()
            + " with roles "
            + roles(e)
            + " in "
            + file);
    out.println(
        "It is shown only now; send it as the header Authorization: Bearer TOKEN"
            + " (OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20TOKEN):");
    out.println(created.token());
    return 0;
  }

  private static int list(Path file, PrintStream out) throws IOException {
    List<TokenFile.Entry> entries = TokenFile.read(file);
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "NAME", "TENANT", "ROLES", "CREATED"});
    for (TokenFile.Entry e : entries) {
      rows.add(
          new String[] {
            e.id(),
            e.name().isEmpty() ? "-" : e.name(),
            e.tenant(),
            roles(e),
            e.created().toString()
          });
    }
    int[] widths = new int[5];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
    }
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        sb.append(row[i]);
        if (i < row.length - 1) sb.append(" ".repeat(widths[i] - row[i].length() + 2));
      }
      out.println(sb);
    }
    return 0;
  }

  private static String roles(TokenFile.Entry e) {
    return java.util.Arrays.stream(Role.values())
        .filter(e.roles()::contains)
        .map(Role::label)
        .collect(Collectors.joining(","));
  }

  private static int usage(PrintStream err, String problem) {
    err.println("sightline token: " + problem + "\n" + USAGE);
    return 2;
  }
}
