package dev.sightline.example.shop;

import dev.sightline.example.shop.faults.Fault;
import dev.sightline.example.shop.faults.FaultSpec;
import dev.sightline.kit.SightlineTelemetry;
import dev.sightline.kit.export.StdoutExporterProviders;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Runs the shop with its load generator and admin endpoint. See {@link #USAGE}. */
public final class ShopApplication {
  static final String USAGE =
      String.join(
          "\n",
          "usage: examples/shop/run [options]",
          "  --base-port N     frontend port; order +1, inventory +2, payment +3 (default 8180;",
          "                    0 = ephemeral ports)",
          "  --admin-port N    admin endpoint port (default base port + 9)",
          "  --bind ADDR       address the servers bind (default 127.0.0.1)",
          "  --rate R          checkouts per second from the load generator (default 5)",
          "  --tenants A,B,..  tenants the load is spread over (default acme,globex,initech)",
          "  --seed N          load generator seed (default 1)",
          "  --no-load         do not start the load generator",
          "  --fault SPEC      activate a fault at start, repeatable: NAME[:key=value,...]",
          "                    latency[:operation=Inventory.StockRepository.QueryStock,delay=800ms]",
          "                    errors[:operation=Payment.CardGateway.Authorize,rate=0.3]",
          "                    tenant-failure:tenant=globex[,operation=Payment.PaymentService.Charge]",
          "                    bad-release[:service=inventory,version=next,delay=400ms,rate=0.2]",
          "                    slow-consumer[:delay=1500ms]",
          "  --duration D      stop after D (for example 5m); default: until Ctrl+C",
          "  --console         print telemetry to stdout instead of exporting OTLP",
          "telemetry goes to OTEL_EXPORTER_OTLP_ENDPOINT (default http://localhost:4318); every",
          "OTEL_* variable keeps its meaning, except that each service keeps its own service.name");

  private ShopApplication() {}

  /** Parsed command line. */
  record Options(
      int basePort,
      int adminPort,
      String bind,
      double rate,
      List<String> tenants,
      long seed,
      boolean load,
      List<FaultSpec> faults,
      @Nullable Duration duration,
      boolean console) {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("shop: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    ShopConfig.Builder config =
        ShopConfig.builder().bindAddress(options.bind()).basePort(options.basePort());
    if (options.adminPort() >= 0) {
      config.adminPort(options.adminPort());
    }
    ShopConfig shopConfig = config.build();
    Shop shop = Shop.start(shopConfig, (service, version) -> telemetry(service, version, options));
    for (FaultSpec spec : options.faults()) {
      try {
        System.out.println("shop: fault enabled: " + shop.enable(spec).describe());
      } catch (IllegalArgumentException e) {
        System.err.println("shop: --fault " + spec.name() + ": " + e.getMessage());
        shop.close();
        System.exit(2);
      }
    }
    LoadGenerator load =
        options.load()
            ? LoadGenerator.start(
                shop.frontend(), options.rate(), options.tenants(), options.seed())
            : null;
    AdminServer admin =
        AdminServer.start(
            shop,
            new InetSocketAddress(options.bind(), shopConfig.adminPort),
            () -> load == null ? "load generator off" : load.stats());
    ScheduledExecutorService status =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "shop-status");
              t.setDaemon(true);
              return t;
            });
    status.scheduleAtFixedRate(
        () ->
            System.out.println(
                "shop: "
                    + (load == null ? "no load" : load.stats())
                    + " | queue="
                    + shop.queueDepth()
                    + " | faults: "
                    + (shop.faults().isEmpty()
                        ? "none"
                        : shop.faults().stream()
                            .map(Fault::describe)
                            .collect(Collectors.joining("; ")))),
        10,
        10,
        TimeUnit.SECONDS);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("shop: stopping, flushing telemetry");
                  status.shutdownNow();
                  if (load != null) {
                    load.close();
                  }
                  admin.close();
                  shop.close();
                  System.out.println("shop: stopped");
                  stopped.countDown();
                },
                "shop-shutdown"));

    System.out.println(banner(shop, admin, options));
    if (options.duration() != null) {
      if (!stopped.await(options.duration().toMillis(), TimeUnit.MILLISECONDS)) {
        System.exit(0);
      }
    } else {
      stopped.await();
    }
  }

  private static SightlineTelemetry telemetry(String service, String version, Options options) {
    SightlineTelemetry.Builder builder = ShopTelemetry.builder(service, version);
    if (options.console()) {
      builder
          .property("otel.traces.exporter", StdoutExporterProviders.NAME)
          .property("otel.metrics.exporter", StdoutExporterProviders.NAME)
          .property("otel.logs.exporter", StdoutExporterProviders.NAME);
    }
    return builder.build();
  }

  private static String banner(Shop shop, AdminServer admin, Options options) {
    String endpoint = System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
    StringBuilder sb = new StringBuilder("shop: started\n");
    for (String service : Shop.HTTP_SERVICES) {
      sb.append(
          String.format(
              "  %-10s %-6s http://%s:%d%n",
              service, shop.version(service), options.bind(), shop.port(service)));
    }
    sb.append(
        String.format(
            "  %-10s %-6s consumer of orders.placed%n", "shipping", shop.version("shipping")));
    sb.append(String.format("  admin      http://%s:%d/faults%n", options.bind(), admin.port()));
    sb.append("  load       ")
        .append(options.load() ? options.rate() + " checkouts/s over " + options.tenants() : "off")
        .append('\n');
    sb.append("  telemetry  ")
        .append(
            options.console()
                ? "stdout"
                : "OTLP to " + (endpoint != null ? endpoint : "http://localhost:4318 (default)"));
    return sb.toString();
  }

  /** Parses the command line; null for {@code --help}. */
  static @Nullable Options parse(String[] args) {
    int basePort = 8180;
    int adminPort = -1;
    String bind = "127.0.0.1";
    double rate = 5;
    List<String> tenants = List.of("acme", "globex", "initech");
    long seed = 1;
    boolean load = true;
    List<FaultSpec> faults = new ArrayList<>();
    Duration duration = null;
    boolean console = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        value = arg.substring(eq + 1);
        arg = arg.substring(0, eq);
      }
      switch (arg) {
        case "--help":
        case "-h":
          return null;
        case "--no-load":
          load = false;
          continue;
        case "--console":
          console = true;
          continue;
        default:
          break;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        value = args[++i];
      }
      switch (arg) {
        case "--base-port":
          basePort = integer(arg, value);
          break;
        case "--admin-port":
          adminPort = integer(arg, value);
          break;
        case "--bind":
          bind = value;
          break;
        case "--rate":
          rate = number(arg, value);
          break;
        case "--tenants":
          tenants =
              Arrays.stream(value.split(","))
                  .map(String::trim)
                  .filter(t -> !t.isEmpty())
                  .collect(Collectors.toList());
          break;
        case "--seed":
          seed = integer(arg, value);
          break;
        case "--fault":
          FaultSpec spec = FaultSpec.parse(value);
          Fault.from(spec); // validate now, report before anything starts
          faults.add(spec);
          break;
        case "--duration":
          duration =
              Fault.duration(
                  value.endsWith("m") && !value.endsWith("ms")
                      ? Long.parseLong(value.substring(0, value.length() - 1)) * 60 + "s"
                      : value);
          break;
        default:
          throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    if (!(rate > 0 && rate <= 1000)) {
      throw new IllegalArgumentException("--rate must be in (0, 1000]: " + rate);
    }
    if (tenants.isEmpty()) {
      throw new IllegalArgumentException("--tenants needs at least one tenant");
    }
    return new Options(
        basePort, adminPort, bind, rate, tenants, seed, load, faults, duration, console);
  }

  /** {@code 90s}, {@code 5m}, {@code 1500ms}. */
  static Duration duration(String value) {
    String v = value.trim();
    if (v.endsWith("m") && !v.endsWith("ms")) {
      return Duration.ofMinutes(integer("--duration", v.substring(0, v.length() - 1)));
    }
    return Fault.duration(v);
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " is not a number: " + value, e);
    }
  }

  private static double number(String option, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " is not a number: " + value, e);
    }
  }
}
