package dev.sightline.server;

import dev.sightline.server.auth.TokenCommand;
import dev.sightline.server.config.ConfigLoader;
import dev.sightline.server.config.ServerConfig;
import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.export.PrometheusRuleExporter;
import dev.sightline.slo.export.PrometheusRuleExporterBuilder;
import dev.sightline.slo.export.RuleExport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/** The {@code sightline} command line. */
public final class Main {
  private static final String USAGE =
      "Usage: sightline <command> [flags]\n"
          + "\n"
          + "Commands:\n"
          + ConfigLoader.columns(
              List.of(
                  new String[] {
                    "serve [flags]", "run the server: OTLP receivers, storage, query API"
                  },
                  new String[] {
                    "demo [shop flags]",
                    "run the server with the example shop (examples/shop) sending it telemetry;"
                        + " Ctrl-C stops both (a command of the ./sightline launcher, see its"
                        + " header for the demo's port variables)"
                  },
                  new String[] {
                    "slo lint DIR",
                    "check the OpenSLO specs in DIR (*.yaml, *.yml); exit status 1 on problems"
                  },
                  new String[] {
                    "slo export --format prometheus [--out FILE] [flags] DIR",
                    "write Prometheus recording and burn-rate alerting rules for the SLOs in DIR"
                  },
                  new String[] {
                    "token create --auth-file FILE --tenant NAME --role ROLE[,ROLE...] [--name LABEL]",
                    "add an API/OTLP token (roles: ingest, read, write, admin) to the --auth-file of"
                        + " serve; prints the token, shown only once, as the last line"
                  },
                  new String[] {
                    "token list --auth-file FILE", "list tokens: id, name, tenant, roles, created"
                  },
                  new String[] {
                    "token revoke --auth-file FILE ID",
                    "remove a token; a running server stops accepting it within a second"
                  },
                  new String[] {"help", "show this text"}));

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || List.of("help", "-h", "--help").contains(args[0])) {
      out.print(USAGE + "\nFlags of serve:\n" + ConfigLoader.help());
      return args.length == 0 ? 2 : 0;
    }
    if (args[0].equals("slo")) {
      return slo(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args[0].equals("token")) {
      return TokenCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), out, err);
    }
    if (args[0].equals("demo")) {
      err.println("sightline: 'demo' is run by the ./sightline launcher: ./sightline demo");
      return 2;
    }
    if (!args[0].equals("serve")) {
      err.println("sightline: unknown command '" + args[0] + "'\n\n" + USAGE);
      return 2;
    }
    ServerConfig config;
    try {
      Map<String, String> flags = parseFlags(Arrays.copyOfRange(args, 1, args.length));
      if (flags.containsKey("help")) {
        out.print("Flags of serve:\n" + ConfigLoader.help());
        return 0;
      }
      config = ConfigLoader.load(flags, System.getenv());
    } catch (IllegalArgumentException e) {
      err.println("sightline serve: " + e.getMessage());
      return 2;
    }
    return serve(config, err);
  }

  /**
   * {@code slo lint DIR}: prints each problem as {@code file:line: field: problem}, then {@code N
   * SLOs ok, M problems}; exit status 0 without problems, 1 with, 2 for usage errors.
   */
  private static int slo(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("export")) {
      return sloExport(Arrays.copyOfRange(args, 1, args.length), out, err);
    }
    if (args.length != 2 || !args[0].equals("lint")) {
      err.println("Usage: sightline slo lint DIR\n       " + SLO_EXPORT_USAGE);
      return 2;
    }
    Path dir;
    try {
      dir = Path.of(args[1]);
    } catch (InvalidPathException e) {
      err.println("sightline slo lint: " + e.getMessage());
      return 2;
    }
    if (!Files.isDirectory(dir)) {
      err.println("sightline slo lint: not a directory: " + dir);
      return 2;
    }
    SloCatalog catalog;
    try {
      catalog = SloLoader.loadFolder(dir);
    } catch (IOException e) {
      err.println("sightline slo lint: cannot list " + dir + ": " + e.getMessage());
      return 2;
    }
    for (SloProblem p : catalog.problems()) {
      out.println(p);
    }
    out.println(catalog.slos().size() + " SLOs ok, " + catalog.problems().size() + " problems");
    return catalog.problems().isEmpty() ? 0 : 1;
  }

  private static final String SLO_EXPORT_USAGE =
      "sightline slo export --format prometheus [--out FILE] [--requests-metric NAME]"
          + " [--duration-metric NAME] [--service-label NAME] [--operation-label NAME]"
          + " [--status-label NAME] [--error-status VALUE] DIR";

  /**
   * {@code slo export --format prometheus DIR}: writes the rules to {@code --out} (stdout by
   * default); each SLO that cannot be exported and each spec problem goes to stderr. Exit status 0
   * when every SLO was exported, 1 when some were skipped or specs had problems (the others are
   * still written), 2 for usage errors and when the output cannot be written.
   */
  private static int sloExport(String[] args, PrintStream out, PrintStream err) {
    CommandArgs parsed;
    try {
      parsed = CommandArgs.parse(args, 0);
    } catch (IllegalArgumentException e) {
      return exportUsage(err, e.getMessage());
    }
    Map<String, String> flags = parsed.flags();
    List<String> positional = parsed.positional();
    String format = flags.remove("format");
    if (format == null) return exportUsage(err, "--format is required");
    if (!format.equals("prometheus")) {
      return exportUsage(err, "unsupported --format '" + format + "' (only prometheus)");
    }
    if (positional.size() != 1) return exportUsage(err, "exactly one DIR is required");
    String outFile = flags.remove("out");
    PrometheusRuleExporterBuilder builder = PrometheusRuleExporter.builder();
    try {
      for (Map.Entry<String, String> flag : flags.entrySet()) {
        String value = flag.getValue();
        switch (flag.getKey()) {
          case "requests-metric" -> builder.requestsMetric(value);
          case "duration-metric" -> builder.durationMetric(value);
          case "service-label" -> builder.serviceLabel(value);
          case "operation-label" -> builder.operationLabel(value);
          case "status-label" -> builder.statusLabel(value);
          case "error-status" -> builder.errorStatus(value);
          default -> {
            return exportUsage(err, "unknown flag --" + flag.getKey());
          }
        }
      }
    } catch (IllegalArgumentException e) {
      return exportUsage(err, e.getMessage());
    }
    Path dir;
    try {
      dir = Path.of(positional.get(0));
    } catch (InvalidPathException e) {
      return exportUsage(err, e.getMessage());
    }
    if (!Files.isDirectory(dir)) {
      err.println("sightline slo export: not a directory: " + dir);
      return 2;
    }
    SloCatalog catalog;
    try {
      catalog = SloLoader.loadFolder(dir);
    } catch (IOException e) {
      err.println("sightline slo export: cannot list " + dir + ": " + e.getMessage());
      return 2;
    }
    for (SloProblem p : catalog.problems()) {
      err.println(p);
    }
    RuleExport export = builder.build().export(catalog.slos());
    for (RuleExport.SkippedSlo skipped : export.skipped()) {
      err.println("sightline slo export: skipped SLO " + skipped);
    }
    if (outFile == null) {
      out.print(export.yaml());
      out.flush();
    } else {
      try {
        Files.writeString(Path.of(outFile), export.yaml());
      } catch (IOException | InvalidPathException e) {
        err.println("sightline slo export: cannot write " + outFile + ": " + e.getMessage());
        return 2;
      }
    }
    return catalog.problems().isEmpty() && export.skipped().isEmpty() ? 0 : 1;
  }

  private static int exportUsage(PrintStream err, String problem) {
    err.println("sightline slo export: " + problem + "\nUsage: " + SLO_EXPORT_USAGE);
    return 2;
  }

  private static int serve(ServerConfig config, PrintStream err) {
    SightlineServer server;
    try {
      server = SightlineServer.start(config);
    } catch (RuntimeException e) {
      err.println("sightline serve: cannot start: " + rootMessage(e));
      return 1;
    }
    // SIGTERM and SIGINT trigger an orderly stop followed by exit status 0; the shutdown hook is
    // the fallback for any other exit path (it is a no-op once the server is closed). A signal
    // ignored when the JVM started (SIGINT of a background job of a script) stays ignored.
    Logger logger = LoggerFactory.getLogger(Main.class);
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : new String[] {"TERM", "INT"}) {
      Signal.handle(
          new Signal(signal),
          s -> {
            logger.info("received SIG{}: shutting down", s.getName());
            stopRequested.countDown();
          });
    }
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "sightline-shutdown"));
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      server.close();
    } catch (RuntimeException e) {
      err.println("sightline serve: error while stopping: " + rootMessage(e));
      return 1;
    }
    return 0;
  }

  /** {@code --name value}, {@code --name=value}, or a bare boolean {@code --name}. */
  static Map<String, String> parseFlags(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw new IllegalArgumentException(
            "unexpected argument '" + a + "' (flags are --name value)");
      }
      String name = a.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        value = args[++i];
      } else {
        value = "true";
      }
      flags.put(name, value);
    }
    return flags;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
      sb.append(": ").append(t.getMessage());
    }
    return sb.toString();
  }
}
