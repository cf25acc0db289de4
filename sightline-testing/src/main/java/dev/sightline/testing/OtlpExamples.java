package dev.sightline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The project's own OTLP example payloads (in {@code otlp-examples/} on the class path), shaped
 * like the OTLP specification's examples: tests of the decoders and of the server's OTLP/HTTP input
 * read them, so that the repository alone is enough to run its tests.
 */
public final class OtlpExamples {
  /** OTLP/JSON {@code ExportTraceServiceRequest}: one server span, ids in upper-case hex. */
  public static final String TRACE_JSON = "trace.json";

  /** The same request as {@link #TRACE_JSON}, protobuf-encoded. */
  public static final String TRACE_PROTOBUF = "trace.protobuf-bin";

  /** OTLP/JSON {@code ExportLogsServiceRequest}: one log record of the span of the trace. */
  public static final String LOGS_JSON = "logs.json";

  /** OTLP/JSON {@code ExportMetricsServiceRequest}: sum, gauge, histogram, exponential one. */
  public static final String METRICS_JSON = "metrics.json";

  /** The trace id of every example, as lower-case hex (the examples write it upper-case). */
  public static final String TRACE_ID = "c0ffee0ddba11a5e5eed1234abcd9876";

  /** The span id of the example span (the one the log record belongs to). */
  public static final String SPAN_ID = "5eed0000cafe0042";

  /** The folder of the examples, relative to the class path root (and in the source tree). */
  public static final String RESOURCE_FOLDER = "otlp-examples";

  private OtlpExamples() {}

  /** The bytes of the example {@code name}, one of the constants of this class. */
  public static byte[] bytes(String name) {
    String resource = RESOURCE_FOLDER + "/" + name;
    try (InputStream in = OtlpExamples.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no " + resource + " on the class path");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
