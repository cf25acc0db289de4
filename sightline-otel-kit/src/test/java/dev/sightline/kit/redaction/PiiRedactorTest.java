package dev.sightline.kit.redaction;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.testing.exporter.InMemoryLogRecordExporter;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PiiRedactorTest {
  private final PiiRedactor redactor = PiiRedactor.defaults();

  @Test
  void masksPhoneNumbersKeepingTheirEnds() {
    assertThat(redactor.redact("user login 13800138000")).isEqualTo("user login 138****8000");
    assertThat(redactor.redact("call +1 415 555 2671 now")).isEqualTo("call +1 *** *** **71 now");
    assertThat(redactor.redact("office (415) 555-0100")).isEqualTo("office (***) ***-0100");
  }

  @Test
  void masksEmailAddresses() {
    assertThat(redactor.redact("confirmation sent to alice.smith@example.co.uk."))
        .isEqualTo("confirmation sent to a***@example.co.uk.");
    assertThat(redactor.redact("cc: x@y.io, bob+shop@mail.example.com"))
        .isEqualTo("cc: x***@y.io, b***@mail.example.com");
    String notEmails = "user@localhost, @mention, a@b.c, team@ example.com";
    assertThat(redactor.redact(notEmails)).isSameAs(notEmails);
  }

  @Test
  void masksOnlyLuhnValidCardNumbersOfKnownNetworks() {
    assertThat(redactor.redact("card 4111 1111 1111 1111 charged"))
        .isEqualTo("card **** **** **** 1111 charged");
    assertThat(redactor.redact("card 5500-0000-0000-0004")).isEqualTo("card ****-****-****-0004");
    assertThat(redactor.redact("amex 378282246310005")).isEqualTo("amex ***********0005");
    // fails Luhn
    assertThat(redactor.redact("card 4111 1111 1111 1112")).isEqualTo("card 4111 1111 1111 1112");
  }

  @Test
  void leavesIdsTimestampsAndOrdinaryTextAlone() {
    String text =
        "order ord-000123 at 1732112345678 took 250ms, trace 4bf92f3577b34da6a3ce929d0e0e4736";
    assertThat(redactor.redact(text)).isSameAs(text);
    assertThat(redactor.redact("GET /rolldice/Alice")).isEqualTo("GET /rolldice/Alice");
  }

  @Test
  void redactsConfiguredKeysWhateverTheirValueAndMasksOtherStrings() {
    Attributes in =
        Attributes.builder()
            .put("password", "hunter2")
            .put("Authorization", "Bearer abc")
            .put("retry.count", 3L)
            .put("customer.contact", "bob@example.com")
            .put(AttributeKey.stringArrayKey("cc"), List.of("x@y.io", "plain"))
            .put("http.route", "/orders")
            .build();
    Attributes out = redactor.redact(in);

    assertThat(out.get(AttributeKey.stringKey("password"))).isEqualTo(PiiRedactor.REDACTED);
    assertThat(out.get(AttributeKey.stringKey("Authorization"))).isEqualTo(PiiRedactor.REDACTED);
    assertThat(out.get(AttributeKey.longKey("retry.count"))).isEqualTo(3L);
    assertThat(out.get(AttributeKey.stringKey("customer.contact"))).isEqualTo("b***@example.com");
    assertThat(out.get(AttributeKey.stringArrayKey("cc"))).containsExactly("x***@y.io", "plain");
    assertThat(out.get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders");

    Attributes clean = Attributes.of(AttributeKey.stringKey("http.route"), "/orders");
    assertThat(redactor.redact(clean)).isSameAs(clean);
  }

  @Test
  void luhn() {
    assertThat(PiiRedactor.luhnValid("79927398713")).isTrue();
    assertThat(PiiRedactor.luhnValid("79927398710")).isFalse();
  }

  @Test
  void exportedSpansAreRedactedButTheLiveSpanIsNot() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                RedactingSpanProcessor.wrap(BatchSpanProcessor.builder(exporter).build(), redactor))
            .build();
    Span span =
        provider
            .get("test")
            .spanBuilder("Payment.PaymentService.Charge")
            .setAttribute("payment.card", "4111111111111111")
            .setAttribute("token", "sk_live_123")
            .startSpan();
    span.setAttribute("customer.email", "carol@example.com");
    span.recordException(
        new IllegalStateException("card 4111111111111111 declined for 13800138000"));
    span.setStatus(StatusCode.ERROR, "declined: carol@example.com");
    span.end();
    provider.forceFlush().join(10, TimeUnit.SECONDS);

    SpanData exported = exporter.getFinishedSpanItems().get(0);
    assertThat(exported)
        .hasAttribute(AttributeKey.stringKey("payment.card"), "************1111")
        .hasAttribute(AttributeKey.stringKey("token"), PiiRedactor.REDACTED)
        .hasAttribute(AttributeKey.stringKey("customer.email"), "c***@example.com");
    assertThat(exported.getStatus().getDescription()).isEqualTo("declined: c***@example.com");
    assertThat(
            exported
                .getEvents()
                .get(0)
                .getAttributes()
                .get(AttributeKey.stringKey("exception.message")))
        .isEqualTo("card ************1111 declined for 138****8000");
    assertThat(
            exported
                .getEvents()
                .get(0)
                .getAttributes()
                .get(AttributeKey.stringKey("exception.stacktrace")))
        .doesNotContain("4111111111111111");
    provider.close();
  }

  @Test
  void exportedLogRecordsAreRedactedAndAllowListModeDropsOtherAttributes() {
    InMemoryLogRecordExporter exporter = InMemoryLogRecordExporter.create();
    SdkLoggerProvider provider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(
                RedactingLogRecordProcessor.builder(redactor)
                    .allowAttributes(Set.of("order.id", "phone"))
                    .wrap(SimpleLogRecordProcessor.create(exporter)))
            .build();
    provider
        .get("test")
        .logRecordBuilder()
        .setSeverity(Severity.INFO)
        .setBody("user login phone=13800138000 email=dave@example.com")
        .setAttribute(AttributeKey.stringKey("order.id"), "ord-1")
        .setAttribute(AttributeKey.stringKey("phone"), "13800138000")
        .setAttribute(AttributeKey.stringKey("request.body"), "{\"card\":\"4111111111111111\"}")
        .setAttribute(AttributeKey.stringKey("exception.message"), "for dave@example.com")
        .emit();

    LogRecordData exported = exporter.getFinishedLogRecordItems().get(0);
    assertThat(exported.getBodyValue().asString())
        .isEqualTo("user login phone=138****8000 email=d***@example.com");
    assertThat(exported.getAttributes().asMap())
        .containsOnlyKeys(
            AttributeKey.stringKey("order.id"),
            AttributeKey.stringKey("phone"),
            AttributeKey.stringKey("exception.message"));
    assertThat(exported.getAttributes().get(AttributeKey.stringKey("phone")))
        .isEqualTo("138****8000");
    assertThat(exported.getAttributes().get(AttributeKey.stringKey("exception.message")))
        .isEqualTo("for d***@example.com");
    provider.close();
  }
}
