package dev.sightline.storage.clickhouse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * ClickHouse's HTTP interface with the JDK client: statements as POST bodies, inserts as RowBinary
 * or JSONEachRow bodies with the {@code INSERT} in the {@code query} parameter. Every query names
 * its {@code FORMAT} in the SQL (18.16 ignores the format header). Results are read as JSONEachRow,
 * one JSON object per line; ClickHouse quotes 64-bit integers there, so readers use {@link
 * JsonNode#asLong()}, which parses both forms.
 *
 * <p>An HTTP 200 to an {@code INSERT} means ClickHouse wrote the rows to its parts (synchronous
 * insert): that is the acknowledgement the writer waits for.
 */
final class ClickHouseHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern CODE = Pattern.compile("Code: (\\d+)");

  /**
   * ClickHouse error codes worth retrying: the same statement may succeed later. Everything else
   * (syntax, unknown table, data that does not parse) fails at once.
   */
  private static final Set<Integer> RETRYABLE_CODES =
      Set.of(
          3, // UNEXPECTED_END_OF_FILE (connection cut)
          159, // TIMEOUT_EXCEEDED
          202, // TOO_MANY_SIMULTANEOUS_QUERIES
          203, // NO_FREE_CONNECTION
          209, // SOCKET_TIMEOUT
          210, // NETWORK_ERROR
          241, // MEMORY_LIMIT_EXCEEDED
          242, // TABLE_IS_READ_ONLY (replica lost ZooKeeper)
          252, // TOO_MANY_PARTS
          279, // ALL_CONNECTION_TRIES_FAILED (a shard of the cluster unreachable)
          285, // TOO_FEW_LIVE_REPLICAS
          319, // UNKNOWN_STATUS_OF_INSERT
          425, // SYSTEM_ERROR
          999); // KEEPER_EXCEPTION

  private final URI base;
  private final @Nullable String database;
  private final @Nullable String authorization;
  private final Duration timeout;
  private final HttpClient client;

  /** Settings sent with every request, as URL parameters ({@code name=value&...}), or empty. */
  private final String settings;

  private ClickHouseHttp(
      URI base,
      @Nullable String database,
      @Nullable String authorization,
      Duration timeout,
      HttpClient client,
      String settings) {
    this.base = base;
    this.database = database;
    this.authorization = authorization;
    this.timeout = timeout;
    this.client = client;
    this.settings = settings;
  }

  /**
   * A client of the server at {@code base} using {@code database}; no user: the server's default.
   */
  static ClickHouseHttp create(
      URI base,
      String database,
      @Nullable String user,
      @Nullable String password,
      Duration timeout) {
    String authorization =
        user == null
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(
                        (user + ":" + (password == null ? "" : password))
                            .getBytes(StandardCharsets.UTF_8));
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return new ClickHouseHttp(base, database, authorization, timeout, client, "");
  }

  /** The same server and user without a current database (to create the database). */
  ClickHouseHttp withoutDatabase() {
    return new ClickHouseHttp(base, null, authorization, timeout, client, settings);
  }

  /** The same user and database on another node (of a cluster), sharing the HTTP client. */
  ClickHouseHttp onNode(URI node) {
    return new ClickHouseHttp(node, database, authorization, timeout, client, settings);
  }

  /**
   * The same client sending {@code name} = {@code value} (a ClickHouse setting) with every request,
   * e.g. {@code insert_distributed_sync=1}.
   */
  ClickHouseHttp withSetting(String name, String value) {
    String setting = encode(name) + "=" + encode(value);
    return new ClickHouseHttp(
        base,
        database,
        authorization,
        timeout,
        client,
        settings.isEmpty() ? setting : settings + "&" + setting);
  }

  /** The node's HTTP interface. */
  URI base() {
    return base;
  }

  /** Runs a statement that returns nothing to read (DDL, ALTER). */
  void execute(String sql) {
    send(uri(null), sql);
  }

  /** Runs a {@code SELECT} (without FORMAT: it is added) and returns one node per row. */
  List<JsonNode> query(String select) {
    String body = send(uri(null), select + " FORMAT JSONEachRow");
    List<JsonNode> rows = new ArrayList<>();
    int from = 0;
    while (from < body.length()) {
      int nl = body.indexOf('\n', from);
      int to = nl < 0 ? body.length() : nl;
      if (to > from) {
        try {
          rows.add(JSON.readTree(body.substring(from, to)));
        } catch (IOException e) {
          throw new ClickHouseException("unreadable row from ClickHouse: " + e.getMessage(), false);
        }
      }
      from = to + 1;
    }
    return rows;
  }

  /**
   * Runs {@code insert} ({@code INSERT INTO t [(columns)] FORMAT F}) with {@code rows}, the
   * concatenated chunks, as its data; returns once ClickHouse acked.
   */
  void insert(String insert, List<byte[]> rows) {
    send(uri(insert), HttpRequest.BodyPublishers.ofByteArrays(rows));
  }

  /** How long a health check waits: a check must answer quickly even when ClickHouse hangs. */
  private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

  /** Whether {@code GET /ping} answers {@code Ok.} within 5 seconds. */
  boolean ping() {
    try {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(base.resolve("/ping")).timeout(PING_TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 && r.body().startsWith("Ok.");
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  String describe() {
    return base + (database == null ? "" : " database " + database);
  }

  private URI uri(@Nullable String query) {
    StringBuilder sb = new StringBuilder(base.resolve("/").toString());
    char sep = '?';
    if (database != null) {
      sb.append(sep).append("database=").append(encode(database));
      sep = '&';
    }
    if (!settings.isEmpty()) {
      sb.append(sep).append(settings);
      sep = '&';
    }
    if (query != null) sb.append(sep).append("query=").append(encode(query));
    return URI.create(sb.toString());
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private String send(URI uri, String body) {
    return send(uri, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
  }

  private String send(URI uri, HttpRequest.BodyPublisher body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", "text/plain; charset=utf-8")
            .POST(body);
    if (authorization != null) request.header("Authorization", authorization);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ClickHouseException("ClickHouse at " + base + " unreachable: " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClickHouseException("interrupted while talking to ClickHouse", true, e);
    }
    if (response.statusCode() == 200) return response.body();
    String message = response.body().strip();
    boolean retryable = response.statusCode() >= 502 && response.statusCode() <= 504;
    Matcher m = CODE.matcher(message);
    if (m.find()) retryable |= RETRYABLE_CODES.contains(Integer.parseInt(m.group(1)));
    throw new ClickHouseException(
        "ClickHouse answered " + response.statusCode() + ": " + abbreviate(message), retryable);
  }

  private static String abbreviate(String s) {
    return s.length() <= 1_000 ? s : s.substring(0, 1_000) + "…";
  }
}
