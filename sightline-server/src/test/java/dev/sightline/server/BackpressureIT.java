package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.RetryInfo;
import com.google.rpc.Status;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When storage cannot keep up, clients get OTLP's retryable answers (HTTP 503 + Retry-After, gRPC
 * UNAVAILABLE + RetryInfo) instead of the server buffering, and whatever was acknowledged is
 * stored.
 */
class BackpressureIT {
  @TempDir Path dataDir;

  @Test
  void overloadAnswersRetryableStatusesAndKeepsEveryAcknowledgedSpan() throws Exception {
    // A one-item write queue: any request arriving while another batch is queued is refused.
    try (TestServer server = TestServer.start(dataDir, "write-queue-items", "1")) {
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      ConcurrentLinkedQueue<String> retryAfter = new ConcurrentLinkedQueue<>();
      AtomicInteger unavailable = new AtomicInteger();
      AtomicInteger grpcUnavailable = new AtomicInteger();
      ConcurrentLinkedQueue<Long> grpcRetryDelays = new ConcurrentLinkedQueue<>();
      WebClient grpc = WebClient.of("h2c://127.0.0.1:" + server.server.otlpGrpcPort());
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int t = 0; t < 8; t++) {
        int seed = t;
        pool.submit(
            () -> {
              Random random = new Random(seed);
              for (int i = 0; i < 25; i++) {
                List<String> ids = new ArrayList<>();
                byte[] body = DurabilityIT.request(random, 20, ids).toByteArray();
                if (seed % 2 == 0) {
                  HttpResponse<byte[]> r =
                      server.post("/v1/traces", "application/x-protobuf", body);
                  if (r.statusCode() == 200) acknowledged.addAll(ids);
                  else if (r.statusCode() == 503) {
                    unavailable.incrementAndGet();
                    r.headers().firstValue("retry-after").ifPresent(retryAfter::add);
                  } else throw new AssertionError("unexpected HTTP status " + r.statusCode());
                } else {
                  AggregatedHttpResponse r = grpcExport(grpc, body);
                  String code = OtlpGrpcIT.grpcStatus(r);
                  if ("0".equals(code)) acknowledged.addAll(ids);
                  else if ("14".equals(code)) {
                    grpcUnavailable.incrementAndGet();
                    RetryInfo info = OtlpGrpcIT.retryInfo(r);
                    grpcRetryDelays.add(info.getRetryDelay().getSeconds());
                  } else throw new AssertionError("unexpected gRPC status " + code);
                }
              }
              return null;
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

      assertThat(unavailable.get() + grpcUnavailable.get())
          .as("some requests were refused as retryable")
          .isPositive();
      assertThat(retryAfter).allSatisfy(v -> assertThat(Integer.parseInt(v)).isPositive());
      assertThat(grpcRetryDelays).allSatisfy(v -> assertThat(v).isPositive());
      assertThat(acknowledged).as("some requests were stored").isNotEmpty();
      for (String id : acknowledged) {
        assertThat(server.get("/api/v1/traces/" + id).status())
            .as("acknowledged %s", id)
            .isEqualTo(200);
      }
      assertThat(server.get("/metrics").text()).contains("reason=\"overloaded\"");
    }
  }

  @Test
  void statusBodyOfA503IsAGoogleRpcStatus() throws Exception {
    try (TestServer server = TestServer.start(dataDir, "write-queue-items", "1")) {
      // Saturate with parallel requests until one is refused, then check its body.
      ExecutorService pool = Executors.newFixedThreadPool(6);
      ConcurrentLinkedQueue<byte[]> refusedBodies = new ConcurrentLinkedQueue<>();
      for (int t = 0; t < 6; t++) {
        int seed = 100 + t;
        pool.submit(
            () -> {
              Random random = new Random(seed);
              for (int i = 0; i < 20 && refusedBodies.isEmpty(); i++) {
                byte[] body = DurabilityIT.request(random, 30, new ArrayList<>()).toByteArray();
                HttpResponse<byte[]> r = server.post("/v1/traces", "application/x-protobuf", body);
                if (r.statusCode() == 503) refusedBodies.add(r.body());
              }
              return null;
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
      assertThat(refusedBodies).isNotEmpty();
      Status status = Status.parseFrom(refusedBodies.peek());
      assertThat(status.getCode()).isEqualTo(14);
      assertThat(status.getMessage()).contains("storage is busy");
    }
  }

  @Test
  void tooManyBytesInFlightAnswers429() throws Exception {
    try (TestServer server =
        TestServer.start(dataDir, "max-request-bytes", "200000", "max-inflight-bytes", "200000")) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      ConcurrentLinkedQueue<HttpResponse<byte[]>> throttled = new ConcurrentLinkedQueue<>();
      List<String> acknowledged = Collections.synchronizedList(new ArrayList<>());
      for (int t = 0; t < 8; t++) {
        int seed = 200 + t;
        pool.submit(
            () -> {
              Random random = new Random(seed);
              for (int i = 0; i < 15; i++) {
                List<String> ids = new ArrayList<>();
                byte[] body = DurabilityIT.request(random, 60, ids).toByteArray();
                HttpResponse<byte[]> r = server.post("/v1/traces", "application/x-protobuf", body);
                if (r.statusCode() == 429) throttled.add(r);
                else if (r.statusCode() == 200) acknowledged.addAll(ids);
              }
              return null;
            });
      }
      pool.shutdown();
      assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
      assertThat(throttled).isNotEmpty();
      HttpResponse<byte[]> r = throttled.peek();
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      Status status = Status.parseFrom(r.body());
      assertThat(status.getCode()).isEqualTo(8);
      assertThat(status.getMessage()).contains("in flight");
      for (String id : acknowledged) {
        assertThat(server.get("/api/v1/traces/" + id).status()).isEqualTo(200);
      }
    }
  }

  private static AggregatedHttpResponse grpcExport(WebClient client, byte[] message) {
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    RequestHeaders headers =
        RequestHeaders.builder(HttpMethod.POST, OtlpGrpcIT.EXPORT)
            .contentType(MediaType.parse("application/grpc+proto"))
            .add("te", "trailers")
            .build();
    return client.execute(headers, HttpData.wrap(framed.array())).aggregate().join();
  }
}
