package dev.sightline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape of the server's {@code /metrics}: the span counters of OTLP/HTTP protobuf, the storage
 * queue, and the API's trace-by-id latency histogram.
 */
record ServerMetrics(
    double storedSpans,
    double receivedSpans,
    Map<String, Double> rejectedSpans,
    double queueItems,
    TreeMap<Double, Double> traceLookupBuckets,
    double traceLookupSeconds,
    double traceLookups) {

  private static final String LABELS = "signal=\"spans\"";
  private static final String TRANSPORT = "transport=\"http_protobuf\"";
  private static final String TRACE_LOOKUP = "sightline_api_request_duration_seconds";
  private static final String TRACE_ENDPOINT = "endpoint=\"trace\"";

  static ServerMetrics scrape(HttpClient client, URI base)
      throws IOException, InterruptedException {
    return scrape(client, base, "");
  }

  /** {@code token}: sent as {@code Authorization: Bearer} when not empty (needs read). */
  static ServerMetrics scrape(HttpClient client, URI base, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/metrics")).timeout(Duration.ofSeconds(30));
    if (!token.isEmpty()) request.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET /metrics answered " + r.statusCode());
    double stored = 0;
    double received = 0;
    double queue = 0;
    Map<String, Double> rejected = new TreeMap<>();
    TreeMap<Double, Double> buckets = new TreeMap<>();
    double lookupSeconds = 0;
    double lookups = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int space = line.lastIndexOf(' ');
      if (space < 0) continue;
      String series = line.substring(0, space);
      double value;
      try {
        value = Double.parseDouble(line.substring(space + 1));
      } catch (NumberFormatException e) {
        continue;
      }
      if (series.startsWith("sightline_storage_queue_items")) queue = value;
      if (series.startsWith(TRACE_LOOKUP) && series.contains(TRACE_ENDPOINT)) {
        if (series.startsWith(TRACE_LOOKUP + "_bucket{")) {
          int at = series.indexOf("le=\"");
          String le = series.substring(at + 4, series.indexOf('"', at + 4));
          buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), value);
        } else if (series.startsWith(TRACE_LOOKUP + "_sum{")) {
          lookupSeconds = value;
        } else if (series.startsWith(TRACE_LOOKUP + "_count{")) {
          lookups = value;
        }
        continue;
      }
      if (!series.contains(LABELS) || !series.contains(TRANSPORT)) continue;
      if (series.startsWith("sightline_receiver_items_stored_total{")) stored = value;
      else if (series.startsWith("sightline_receiver_items_received_total{")) received = value;
      else if (series.startsWith("sightline_receiver_items_rejected_total{")) {
        int at = series.indexOf("reason=\"");
        String reason = at < 0 ? "?" : series.substring(at + 8, series.indexOf('"', at + 8));
        rejected.merge(reason, value, Double::sum);
      }
    }
    return new ServerMetrics(stored, received, rejected, queue, buckets, lookupSeconds, lookups);
  }

  /**
   * Server-side trace-by-id latency since {@code before}, from the API's histogram: the mean
   * (exact) and the bucket bounds holding the 50th and 99th percentiles, in milliseconds.
   */
  Map<String, Object> traceLookupsSince(ServerMetrics before) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    double n = traceLookups - before.traceLookups;
    if (n <= 0) return out;
    out.put("lookups", Math.round(n));
    out.put(
        "meanMillis", Math.round((traceLookupSeconds - before.traceLookupSeconds) / n * 1e6) / 1e3);
    out.put("p50AtMostMillis", bucketBound(before, n * 0.50));
    out.put("p99AtMostMillis", bucketBound(before, n * 0.99));
    return out;
  }

  private Object bucketBound(ServerMetrics before, double rank) {
    for (Map.Entry<Double, Double> b : traceLookupBuckets.entrySet()) {
      double cumulative = b.getValue() - before.traceLookupBuckets.getOrDefault(b.getKey(), 0.0);
      if (cumulative >= rank) {
        return b.getKey().isInfinite() ? "+Inf" : (Object) (b.getKey() * 1000);
      }
    }
    return "+Inf";
  }

  /** Rejections since {@code before}, by reason. */
  Map<String, Long> rejectedSince(ServerMetrics before) {
    Map<String, Long> out = new TreeMap<>();
    rejectedSpans.forEach(
        (reason, v) -> {
          long d = Math.round(v - before.rejectedSpans.getOrDefault(reason, 0.0));
          if (d != 0) out.put(reason, d);
        });
    return out;
  }
}
