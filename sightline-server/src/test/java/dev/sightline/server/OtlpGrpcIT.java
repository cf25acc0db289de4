package dev.sightline.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** gRPC status handling, spoken at the wire level (HTTP/2 + gRPC framing). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpGrpcIT {
  static final String EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

  @TempDir static Path dataDir;
  TestServer server;
  WebClient client;

  @BeforeAll
  void start() {
    server = TestServer.start(dataDir, "max-request-bytes", "65536");
    client = WebClient.of("h2c://127.0.0.1:" + server.server.otlpGrpcPort());
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  @Test
  void validExportIsOkAndInvalidSpansArePartialSuccess() throws Exception {
    List<String> ids = new ArrayList<>();
    ExportTraceServiceRequest good = DurabilityIT.request(new Random(3), 2, ids);
    ExportTraceServiceRequest withBad =
        good.toBuilder()
            .addResourceSpans(
                ResourceSpans.newBuilder()
                    .addScopeSpans(
                        ScopeSpans.newBuilder()
                            .addSpans(
                                Span.newBuilder()
                                    .setTraceId(ByteString.copyFrom(new byte[15]))
                                    .setSpanId(
                                        ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
                                    .setName("short id")
                                    .setStartTimeUnixNano(1)
                                    .setEndTimeUnixNano(2))))
            .build();
    AggregatedHttpResponse r = call(withBad.toByteArray());
    assertThat(grpcStatus(r)).isEqualTo("0");
    ExportTraceServiceResponse response =
        ExportTraceServiceResponse.parseFrom(unframe(r.content().array()));
    assertThat(response.getPartialSuccess().getRejectedSpans()).isEqualTo(1);
    assertThat(response.getPartialSuccess().getErrorMessage()).contains("16 bytes");
    for (String id : ids) assertThat(server.get("/api/v1/traces/" + id).status()).isEqualTo(200);
  }

  @Test
  void truncatedMessageIsInvalidArgumentWithMessage() {
    byte[] body = DurabilityIT.request(new Random(4), 1, new ArrayList<>()).toByteArray();
    AggregatedHttpResponse r = call(Arrays.copyOf(body, body.length - 9));
    assertThat(grpcStatus(r)).isEqualTo("3");
    assertThat(grpcMessage(r)).containsIgnoringCase("protobuf");
  }

  @Test
  void oversizedMessageIsResourceExhausted() {
    byte[] body = DurabilityIT.request(new Random(5), 60, new ArrayList<>()).toByteArray();
    assertThat(body.length).isGreaterThan(65536);
    AggregatedHttpResponse r = call(body);
    assertThat(grpcStatus(r))
        .as("status %s %s / %s", r.status(), r.headers(), r.trailers())
        .isEqualTo("8");
  }

  private AggregatedHttpResponse call(byte[] message) {
    ByteBuffer framed = ByteBuffer.allocate(5 + message.length);
    framed.put((byte) 0).putInt(message.length).put(message);
    RequestHeaders headers =
        RequestHeaders.builder(HttpMethod.POST, EXPORT)
            .contentType(com.linecorp.armeria.common.MediaType.parse("application/grpc+proto"))
            .add("te", "trailers")
            .build();
    return client.execute(headers, HttpData.wrap(framed.array())).aggregate().join();
  }

  static String grpcStatus(AggregatedHttpResponse r) {
    String s = r.trailers().get("grpc-status");
    return s != null ? s : r.headers().get("grpc-status");
  }

  static String grpcMessage(AggregatedHttpResponse r) {
    String s = r.trailers().get("grpc-message");
    s = s != null ? s : r.headers().get("grpc-message");
    return s == null ? "" : java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
  }

  static RetryInfo retryInfo(AggregatedHttpResponse r) throws Exception {
    String details = r.trailers().get("grpc-status-details-bin");
    if (details == null) details = r.headers().get("grpc-status-details-bin");
    com.google.rpc.Status status =
        com.google.rpc.Status.parseFrom(Base64.getDecoder().decode(details));
    return status.getDetails(0).unpack(RetryInfo.class);
  }

  static byte[] unframe(byte[] framed) {
    ByteBuffer b = ByteBuffer.wrap(framed);
    b.get();
    byte[] out = new byte[b.getInt()];
    b.get(out);
    return out;
  }
}
