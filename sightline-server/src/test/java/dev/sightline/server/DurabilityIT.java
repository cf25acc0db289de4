package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.sightline.core.model.Ids;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Anything acknowledged survives SIGKILL; SIGTERM shuts down cleanly. */
class DurabilityIT {
  static final int SPANS_PER_TRACE = 12;

  @TempDir Path dir;

  @Test
  void acknowledgedSpansSurviveSigkillUnderLoad() throws Exception {
    Path data = dir.resolve("data");
    Path log = dir.resolve("server.log");
    List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
    try (ServerProcess server = ServerProcess.start(data, log)) {
      AtomicBoolean stop = new AtomicBoolean();
      ExecutorService senders = Executors.newFixedThreadPool(4);
      for (int t = 0; t < 4; t++) {
        int seed = t;
        senders.submit(
            () -> {
              Random random = new Random(seed);
              while (!stop.get()) {
                List<String> ids = new ArrayList<>();
                byte[] body = request(random, 20, ids).toByteArray();
                try {
                  HttpResponse<byte[]> r =
                      TestServer.HTTP.send(
                          HttpRequest.newBuilder(URI.create(server.otlpHttp() + "/v1/traces"))
                              .header("Content-Type", "application/x-protobuf")
                              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                              .build(),
                          HttpResponse.BodyHandlers.ofByteArray());
                  if (r.statusCode() == 200) acknowledged.addAll(ids);
                } catch (Exception e) {
                  return null; // the server was killed mid-request: not acknowledged
                }
              }
              return null;
            });
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (acknowledged.size() < 2000 && System.nanoTime() < deadline) Thread.sleep(50);
      server.kill();
      stop.set(true);
      senders.shutdown();
      assertThat(senders.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
    List<String> ids;
    synchronized (acknowledged) {
      ids = new ArrayList<>(acknowledged);
    }
    assertThat(ids).as("traces acknowledged before the kill").hasSizeGreaterThanOrEqualTo(100);

    try (ServerProcess restarted = ServerProcess.start(data, log)) {
      for (String traceId : ids) {
        TestServer.Response r =
            TestServer.send(
                HttpRequest.newBuilder(URI.create(restarted.api() + "/api/v1/traces/" + traceId))
                    .build());
        assertThat(r.status()).as("acknowledged trace %s after SIGKILL", traceId).isEqualTo(200);
        assertThat(r.json().get("spans")).hasSize(SPANS_PER_TRACE);
      }
      assertThat(restarted.terminate(Duration.ofSeconds(30))).isZero();
    }
  }

  @Test
  void sigtermFlushesAndExitsCleanly() throws Exception {
    Path data = dir.resolve("data2");
    Path log = dir.resolve("server2.log");
    List<String> ids = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(data, log)) {
      HttpResponse<byte[]> r =
          TestServer.HTTP.send(
              HttpRequest.newBuilder(URI.create(server.otlpHttp() + "/v1/traces"))
                  .header("Content-Type", "application/x-protobuf")
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          request(new Random(7), 5, ids).toByteArray()))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(server.terminate(Duration.ofSeconds(30))).isZero();
    }
    assertThat(Files.readString(log)).doesNotContain("Exception");
    try (ServerProcess restarted = ServerProcess.start(data, log)) {
      for (String traceId : ids) {
        var r =
            TestServer.send(
                HttpRequest.newBuilder(URI.create(restarted.api() + "/api/v1/traces/" + traceId))
                    .build());
        assertThat(r.status()).isEqualTo(200);
      }
    }
  }

  static ExportTraceServiceRequest request(Random random, int traces, List<String> traceIds) {
    ScopeSpans.Builder scope = ScopeSpans.newBuilder();
    long now = System.currentTimeMillis() * 1_000_000L;
    for (int t = 0; t < traces; t++) {
      byte[] traceId = new byte[16];
      random.nextBytes(traceId);
      traceId[0] |= 1;
      traceIds.add(Ids.toHex(traceId));
      byte[] parent = null;
      for (int s = 0; s < SPANS_PER_TRACE; s++) {
        byte[] spanId = new byte[8];
        random.nextBytes(spanId);
        spanId[0] |= 1;
        Span.Builder span =
            Span.newBuilder()
                .setTraceId(ByteString.copyFrom(traceId))
                .setSpanId(ByteString.copyFrom(spanId))
                .setName("Shop.Order.Step" + s)
                .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                .setStartTimeUnixNano(now + s * 1000L)
                .setEndTimeUnixNano(now + s * 1000L + 5_000_000L)
                .addAttributes(kv("http.route", "/orders/{id}"))
                .addAttributes(kv("tenant.id", "acme"));
        if (parent != null) span.setParentSpanId(ByteString.copyFrom(parent));
        scope.addSpans(span);
        if (parent == null) parent = spanId;
      }
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(
            ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(kv("service.name", "durable")))
                .addScopeSpans(scope))
        .build();
  }

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}
