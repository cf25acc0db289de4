package dev.sightline.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape of the server's {@code /metrics} over every OTLP transport: spans stored, spans rejected
 * by reason, the storage queue and the receiver's in-flight bytes.
 */
record ServerTotals(
    double storedSpans, Map<String, Double> rejected, double queueItems, double inflightBytes) {

  static ServerTotals scrape(HttpClient client, OverloadOptions options)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(options.api().resolve("/metrics")).timeout(Duration.ofSeconds(30));
    if (!options.token().isEmpty()) b.header("Authorization", "Bearer " + options.token());
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IOException("GET /metrics answered " + r.statusCode());
    double stored = 0;
    double queue = 0;
    double inflight = 0;
    Map<String, Double> rejected = new TreeMap<>();
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
      else if (series.startsWith("sightline_receiver_inflight_bytes")) inflight = value;
      else if (!series.contains("signal=\"spans\"")) continue;
      else if (series.startsWith("sightline_receiver_items_stored_total{")) stored += value;
      else if (series.startsWith("sightline_receiver_items_rejected_total{")) {
        int at = series.indexOf("reason=\"");
        String reason = at < 0 ? "?" : series.substring(at + 8, series.indexOf('"', at + 8));
        rejected.merge(reason, value, Double::sum);
      }
    }
    return new ServerTotals(stored, rejected, queue, inflight);
  }

  /** Spans rejected since {@code before}, by reason. */
  Map<String, Long> rejectedSince(ServerTotals before) {
    Map<String, Long> out = new TreeMap<>();
    rejected.forEach(
        (reason, v) -> {
          long d = Math.round(v - before.rejected.getOrDefault(reason, 0.0));
          if (d != 0) out.put(reason, d);
        });
    return out;
  }
}
