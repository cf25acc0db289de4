package dev.sightline.server.config;

import dev.sightline.slo.notify.NotificationTargets;
import dev.sightline.slo.notify.NotificationUrlPolicy;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Resolves {@link ServerConfig} from defaults, a YAML file ({@code --config FILE} or {@code
 * SIGHTLINE_CONFIG}), environment variables and flags. Every option has one name used everywhere:
 * flag {@code --data-dir}, file key {@code data-dir}, variable {@code SIGHTLINE_DATA_DIR}.
 */
public final class ConfigLoader {

  /**
   * One option: its name, the placeholder of its value in the help ({@code null} for a boolean flag
   * given bare, as {@code --name}), its default ({@code ""} for none) and description. The help
   * text, the accepted flags, file keys and variables are all generated from {@link #OPTIONS}.
   */
  public record Option(
      String name,
      @Nullable String valueName,
      String defaultValue,
      String description,
      @Nullable StorageKind backend) {

    /** An option of the server, whatever the storage backend. */
    public Option(
        String name, @Nullable String valueName, String defaultValue, String description) {
      this(name, valueName, defaultValue, description, null);
    }

    public String envVar() {
      return "SIGHTLINE_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** {@code --name VALUE}, or {@code --name} for a boolean flag. */
    public String flag() {
      return "--" + name + (valueName == null ? "" : " " + valueName);
    }
  }

  public static final List<Option> OPTIONS =
      concat(
          List.of(
              new Option(
                  "data-dir",
                  "DIR",
                  "./data",
                  "folder of SLO specs, alert state and incidents, and of the telemetry with"
                      + " --storage duckdb"),
              new Option(
                  "otlp-grpc",
                  "HOST:PORT",
                  "127.0.0.1:4317",
                  "OTLP/gRPC listen address (default host 0.0.0.0 with --auth-file)"),
              new Option(
                  "otlp-http",
                  "HOST:PORT",
                  "127.0.0.1:4318",
                  "OTLP/HTTP listen address (default host 0.0.0.0 with --auth-file)"),
              new Option(
                  "http",
                  "HOST:PORT",
                  "127.0.0.1:8420",
                  "query API, web UI, /healthz and /metrics listen address (default host 0.0.0.0"
                      + " with --auth-file)"),
              new Option(
                  "auth-file",
                  "FILE",
                  "",
                  "token file (create it with: sightline token create): every request then needs a"
                      + " bearer token or a UI session, except /healthz and the UI's static files;"
                      + " re-read when it changes. Without it authentication is off"),
              new Option(
                  "insecure-no-auth",
                  null,
                  "false",
                  "allow listening on a non-loopback address without --auth-file (anyone who can"
                      + " reach the ports can read and write all data)"),
              new Option(
                  "tenant-header",
                  "NAME",
                  "",
                  "only behind a gateway that authenticates callers and sets this header (such as"
                      + " X-Scope-OrgID): its value is the request's tenant, required except on /healthz"
                      + " and the UI's static files; not with --auth-file"),
              new Option(
                  "tls-cert",
                  "FILE",
                  "",
                  "PEM certificate chain: every listener serves TLS (HTTPS, gRPC over TLS);"
                      + " needs --tls-key"),
              new Option("tls-key", "FILE", "", "PEM private key (PKCS#8) of --tls-cert"),
              new Option(
                  "retention",
                  "DURATION",
                  "7d",
                  "delete telemetry older than this (event time); 0 keeps all"),
              new Option(
                  "max-request-bytes",
                  "SIZE",
                  "16MiB",
                  "largest OTLP request body accepted, compressed and decompressed"),
              new Option(
                  "max-inflight-bytes",
                  "SIZE",
                  "128MiB",
                  "decompressed request bytes being decoded or stored at once before answering 429"),
              new Option(
                  "write-queue-items",
                  "N",
                  "200000",
                  "items waiting for storage before answering 503 (retryable); by default fewer on a"
                      + " heap under ~2 GB (a quarter of the heap at ~2.5 KB an item)"),
              new Option(
                  "bench-discard-endpoint",
                  null,
                  "false",
                  "also serve POST /bench/discard/v1/{traces,metrics,logs} on the OTLP/HTTP port:"
                      + " decode and validate, then discard (benchmark baseline)"),
              new Option(
                  "slo-dir",
                  "DIR",
                  "",
                  "folder of OpenSLO v1 YAML specs, re-read when a file changes (specs can also be"
                      + " sent to POST /api/v1/slos)"),
              new Option(
                  "slo-eval-interval", "DURATION", "30s", "time between SLO burn-rate evaluations"),
              new Option(
                  "notify",
                  "TARGETS",
                  "",
                  "where alerts go, comma-separated: webhook:URL (Alertmanager webhook payload),"
                      + " alertmanager:URL (Alertmanager API v2), slack:URL (Slack incoming webhook)"),
              new Option(
                  "notify-allowed-hosts",
                  "HOSTS",
                  "",
                  "hosts (or *.domain) that notification URLs written inline in SLO specs sent"
                      + " through the API may name; others are refused: such specs refer to"
                      + " AlertNotificationTargets of --slo-dir by name"),
              new Option(
                  "external-url",
                  "URL",
                  "",
                  "the URL users reach the API at, for links in notifications"
                      + " (when unset: http://HOST:PORT of --http)"),
              new Option(
                  "incident-window-before",
                  "DURATION",
                  "10m",
                  "an incident's evidence window starts this long before the burn started"),
              new Option(
                  "incident-window-after",
                  "DURATION",
                  "10m",
                  "an incident's evidence is gathered again this long after the alert, covering it"),
              new Option(
                  "incident-baseline",
                  "DURATION",
                  "1h",
                  "length of the healthy period incidents compare with"),
              new Option(
                  "verify-period",
                  "DURATION",
                  "15m",
                  "how long the SLI must meet its objective after a change for a fix to count as"
                      + " verified"),
              new Option(
                  "incident-notify-wait",
                  "DURATION",
                  "20s",
                  "how long an alert's first notification waits for its incident's investigation"
                      + " (then it is sent, and an update follows with the root cause); 0 waits not"),
              new Option(
                  "incident-retention",
                  "DURATION",
                  "90d",
                  "delete resolved incidents this long after their last update (at most 10,000 are"
                      + " kept); 0 keeps them")),
          StorageOptions.OPTIONS);

  private static List<Option> concat(List<Option> a, List<Option> b) {
    List<Option> all = new ArrayList<>(a);
    all.addAll(b);
    return List.copyOf(all);
  }

  private ConfigLoader() {}

  /**
   * Resolves the configuration.
   *
   * @param flags parsed {@code --name value} flags (without the dashes), plus {@code config}
   * @param env the process environment
   * @throws IllegalArgumentException with a message naming the option and its source
   */
  public static ServerConfig load(Map<String, String> flags, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> sources = new LinkedHashMap<>();
    for (Option o : OPTIONS) {
      values.put(o.name(), o.defaultValue());
      sources.put(o.name(), "default");
    }
    String configFile =
        flags.containsKey("config") ? flags.get("config") : env.get("SIGHTLINE_CONFIG");
    if (configFile != null && !configFile.isBlank()) {
      Path path = Path.of(configFile);
      for (Map.Entry<String, String> e : readFile(path).entrySet()) {
        values.put(e.getKey(), e.getValue());
        sources.put(e.getKey(), path.toString());
      }
    }
    for (Option o : OPTIONS) {
      String v = env.get(o.envVar());
      if (v != null && !v.isEmpty()) {
        values.put(o.name(), v);
        sources.put(o.name(), "$" + o.envVar());
      }
    }
    StorageOptions.checkFlags(flags);
    for (Map.Entry<String, String> e : flags.entrySet()) {
      if (e.getKey().equals("config")) continue;
      if (option(e.getKey()) == null)
        throw new IllegalArgumentException("unknown flag --" + e.getKey());
      values.put(e.getKey(), e.getValue());
      sources.put(e.getKey(), "--" + e.getKey());
    }
    Resolver r = new Resolver(values, sources);
    SecurityConfig security =
        new SecurityConfig(
            r.get("auth-file", ConfigLoader::parsePath),
            r.get("insecure-no-auth", ConfigLoader::parseBoolean),
            r.get("tls-cert", ConfigLoader::parsePath),
            r.get("tls-key", ConfigLoader::parsePath),
            r.get("tenant-header", v -> v.isBlank() ? null : v.strip()));
    if (security.authEnabled()) {
      // with authentication, a listener left at its default listens on every interface
      for (String listener : List.of("otlp-grpc", "otlp-http", "http")) {
        if (sources.get(listener).equals("default")) {
          values.put(listener, values.get(listener).replace("127.0.0.1:", "0.0.0.0:"));
        }
      }
    }
    long maxRequest = r.get("max-request-bytes", ConfigLoader::parseBytes);
    return new ServerConfig(
        r.get("data-dir", Path::of),
        r.get("otlp-grpc", ListenAddress::parse),
        r.get("otlp-http", ListenAddress::parse),
        r.get("http", ListenAddress::parse),
        r.get("retention", ConfigLoader::parseDuration),
        maxRequest,
        Math.max(maxRequest, r.get("max-inflight-bytes", ConfigLoader::parseBytes)),
        sources.get("write-queue-items").equals("default")
            ? ServerConfig.defaultWriteQueueItems(Runtime.getRuntime().maxMemory())
            : r.get("write-queue-items", v -> Math.toIntExact(parsePositiveLong(v))),
        StorageOptions.resolve(r),
        r.get("bench-discard-endpoint", ConfigLoader::parseBoolean),
        r.get("slo-dir", v -> v.isBlank() ? null : Path.of(v.trim())),
        r.get("slo-eval-interval", ConfigLoader::parseDuration),
        r.get(
            "notify",
            v -> {
              List<String> targets = parseList(v);
              // fail at start-up, naming the option, rather than when the first alert fires
              for (String t : targets) NotificationTargets.parse(t);
              return targets;
            }),
        r.get(
            "notify-allowed-hosts",
            v -> {
              List<String> hosts = parseList(v);
              NotificationUrlPolicy.allowing(hosts); // fails at start-up naming a bad entry
              return hosts;
            }),
        r.get("external-url", v -> v.isBlank() ? null : v.trim().replaceAll("/+$", "")),
        r.get("incident-window-before", ConfigLoader::parseDuration),
        r.get("incident-window-after", ConfigLoader::parseDuration),
        r.get("incident-baseline", ConfigLoader::parseDuration),
        r.get("verify-period", ConfigLoader::parseDuration),
        r.get("incident-notify-wait", ConfigLoader::parseDuration),
        r.get("incident-retention", ConfigLoader::parseDuration),
        security);
  }

  /**
   * Refuses a listener on a non-loopback address without authentication unless {@code
   * --insecure-no-auth} was given; called with the resolved configuration at start.
   *
   * @throws IllegalArgumentException naming the listener, {@code --auth-file} and {@code
   *     --insecure-no-auth}
   */
  public static void checkExposure(ServerConfig config) {
    if (config.security().authEnabled() || config.security().insecureNoAuth()) return;
    Map<String, ListenAddress> listeners = new LinkedHashMap<>();
    listeners.put("otlp-grpc", config.otlpGrpc());
    listeners.put("otlp-http", config.otlpHttp());
    listeners.put("http", config.http());
    for (Map.Entry<String, ListenAddress> e : listeners.entrySet()) {
      if (!e.getValue().isLoopback() && config.security().tenantFromHeader()) {
        throw new IllegalArgumentException(
            "--"
                + e.getKey()
                + " "
                + e.getValue()
                + " is not a loopback address and Sightline does not authenticate (--tenant-header"
                + " trusts whoever sends the header): give --insecure-no-auth once only the"
                + " gateway can reach it");
      }
      if (!e.getValue().isLoopback()) {
        throw new IllegalArgumentException(
            "--"
                + e.getKey()
                + " "
                + e.getValue()
                + " is not a loopback address and authentication is off: give --auth-file FILE,"
                + " or --insecure-no-auth to serve everyone who can reach it");
      }
    }
  }

  /**
   * The help text listing every option with its variable and default ("none" when it has none),
   * descriptions in one column: general options, then each storage backend's under a heading.
   */
  public static String help() {
    return HelpText.options(OPTIONS);
  }

  /** Two-column help rows ({@link HelpText#columns}). */
  public static String columns(List<String[]> rows) {
    return HelpText.columns(rows);
  }

  private static @Nullable Option option(String name) {
    for (Option o : OPTIONS) if (o.name().equals(name)) return o;
    return null;
  }

  private static Map<String, String> readFile(Path path) {
    Object doc;
    try (Reader reader = Files.newBufferedReader(path)) {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file " + path + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage());
    } catch (YAMLException e) {
      throw new IllegalArgumentException(
          "config file " + path + " is not valid YAML: " + e.getMessage());
    }
    if (doc == null) return Map.of();
    if (!(doc instanceof Map<?, ?> map)) {
      throw new IllegalArgumentException(
          "config file " + path + " must be a YAML mapping of option: value");
    }
    Map<String, String> out = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (option(key) == null) unknown.add(key);
      else if (e.getValue() instanceof List<?> list) {
        // a YAML list (notify: [webhook:..., slack:...]) is the comma-separated form
        List<String> items = new ArrayList<>();
        for (Object item : list) items.add(String.valueOf(item));
        out.put(key, String.join(",", items));
      } else if (e.getValue() != null) out.put(key, String.valueOf(e.getValue()));
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("config file " + path + ": unknown option(s) " + unknown);
    }
    return out;
  }

  /** Option values with where each came from: a flag, a variable, the file or the default. */
  record Resolver(Map<String, String> values, Map<String, String> sources) {
    <T> T get(String name, Function<String, @Nullable T> parse) {
      String v = values.get(name);
      try {
        return parse.apply(v);
      } catch (RuntimeException e) {
        String shown = StorageOptions.SECRETS.contains(name) ? "****" : v;
        throw new IllegalArgumentException(
            "invalid "
                + name
                + " '"
                + shown
                + "' (from "
                + sources.get(name)
                + "): "
                + e.getMessage());
      }
    }

    String value(String name) {
      return values.get(name);
    }

    /** {@code --name}, {@code $SIGHTLINE_NAME}, the config file's path, or {@code default}. */
    String source(String name) {
      return sources.get(name);
    }

    boolean isDefault(String name) {
      return sources.get(name).equals("default");
    }
  }

  /**
   * Durations like {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 500ms}, or ISO-8601;
   * never negative. Anything else throws {@link IllegalArgumentException}.
   */
  public static Duration parseDuration(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("0")) return Duration.ZERO;
    if (v.startsWith("p") || v.startsWith("-p") || v.startsWith("+p")) {
      Duration d;
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("not an ISO-8601 duration: " + e.getMessage(), e);
      }
      if (d.isNegative()) throw new IllegalArgumentException("must not be negative");
      return d;
    }
    String[][] units = {
      {"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}, {"d", "86400000"}
    };
    for (int i = 0; i < units.length; i++) {
      String unit = units[i][0];
      if (v.endsWith(unit)
          && !(unit.equals("s") && v.endsWith("ms"))
          && !(unit.equals("m") && v.endsWith("ms"))) {
        long n = Long.parseLong(v.substring(0, v.length() - unit.length()).trim());
        if (n < 0) throw new IllegalArgumentException("must not be negative");
        try {
          return Duration.ofMillis(Math.multiplyExact(n, Long.parseLong(units[i][1])));
        } catch (ArithmeticException e) {
          throw new IllegalArgumentException("too long", e);
        }
      }
    }
    throw new IllegalArgumentException("expected a duration such as 7d, 12h, 30m, 45s or 500ms");
  }

  /**
   * Byte sizes like {@code 16MiB}, {@code 512KiB}, {@code 1GiB}, {@code 4MB} or plain bytes; always
   * positive. Anything else throws {@link IllegalArgumentException}.
   */
  public static long parseBytes(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    String[][] units = {
      {"kib", "1024"},
      {"mib", "1048576"},
      {"gib", "1073741824"},
      {"kb", "1000"},
      {"mb", "1000000"},
      {"gb", "1000000000"},
      {"b", "1"}
    };
    for (String[] u : units) {
      if (v.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length()).trim();
        break;
      }
    }
    long n = Long.parseLong(v);
    if (n <= 0) throw new IllegalArgumentException("must be positive");
    try {
      return Math.multiplyExact(n, unit);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("too large", e);
    }
  }

  private static @Nullable Path parsePath(String value) {
    return value.isBlank() ? null : Path.of(value.trim());
  }

  static List<String> parseList(String value) {
    List<String> out = new java.util.ArrayList<>();
    for (String part : value.split(",")) if (!part.isBlank()) out.add(part.trim());
    return out;
  }

  private static long parsePositiveLong(String value) {
    long n = Long.parseLong(value.trim());
    if (n <= 0) throw new IllegalArgumentException("must be positive");
    return n;
  }

  static boolean parseBoolean(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("yes") || v.equals("1")) return true;
    if (v.equals("false") || v.equals("no") || v.equals("0") || v.isEmpty()) return false;
    throw new IllegalArgumentException("expected true or false");
  }
}
