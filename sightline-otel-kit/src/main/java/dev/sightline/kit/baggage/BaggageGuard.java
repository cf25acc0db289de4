package dev.sightline.kit.baggage;

import static java.util.Objects.requireNonNull;

import dev.sightline.kit.baggage.BaggageRejectedException.Reason;
import dev.sightline.kit.redaction.PiiRedactor;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Sets business context in baggage under the rules of seed 004 §1.5: keys follow one naming rule
 * ({@code tenant.id}, not {@code tenantId}), the whole baggage stays under a size cap (1 KB by
 * default, measured as the encoded W3C {@code baggage} header), and personal data never travels in
 * it: keys naming PII ({@code phone}, {@code email}, {@code card}...) are denied, and values that
 * look like a phone number, e-mail address or card number are refused.
 *
 * <pre>{@code
 * BaggageGuard guard = BaggageGuard.defaults();
 * try (Scope s = guard.put(Context.current(), "tenant.id", tenantId).makeCurrent()) {
 *   orderClient.placeOrder(request); // tenant.id travels in the baggage header
 * }
 * }</pre>
 *
 * <p>{@link #propagator(TextMapPropagator)} enforces the same rules at the process boundary, on
 * baggage set without the guard and on baggage received from upstream. Immutable and thread-safe.
 */
public final class BaggageGuard {
  private static final Logger logger = Logger.getLogger(BaggageGuard.class.getName());

  /** Lower-case segments of letters, digits and underscores, separated by dots. */
  public static final Pattern DEFAULT_KEY_PATTERN =
      Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

  /** Terms that, as a segment of a key ({@code user.phone_number}), deny the key. */
  public static final Set<String> DEFAULT_DENIED_TERMS =
      Set.of(
          "phone",
          "mobile",
          "email",
          "mail",
          "password",
          "passwd",
          "secret",
          "token",
          "credential",
          "card",
          "ssn",
          "iban",
          "passport",
          "birthdate",
          "address");

  /** The seed's recommended cap on the encoded baggage. */
  public static final int DEFAULT_MAX_BYTES = 1024;

  private final Pattern keyPattern;
  private final Set<String> deniedTerms;
  private final int maxBytes;
  private final boolean rejectPiiValues;
  private final PiiRedactor piiDetector;

  private BaggageGuard(Builder builder) {
    this.keyPattern = builder.keyPattern;
    this.deniedTerms =
        builder.deniedTerms.stream()
            .map(t -> t.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
    this.maxBytes = builder.maxBytes;
    this.rejectPiiValues = builder.rejectPiiValues;
    this.piiDetector = PiiRedactor.builder().redactedKeys(Set.of()).build();
  }

  /** The default rules: {@link #DEFAULT_KEY_PATTERN}, {@link #DEFAULT_DENIED_TERMS}, 1 KB. */
  public static BaggageGuard defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns {@code context} with {@code key=value} added to its baggage.
   *
   * @throws BaggageRejectedException if the entry breaks a rule; the context is then unchanged
   */
  public Context put(Context context, String key, String value) {
    requireNonNull(context, "context");
    requireNonNull(key, "key");
    requireNonNull(value, "value");
    Reason reason = check(key, value);
    if (reason != null) {
      throw new BaggageRejectedException(reason, key, describe(reason, key));
    }
    Baggage updated = Baggage.fromContext(context).toBuilder().put(key, value).build();
    int size = encodedSize(updated);
    if (size > maxBytes) {
      throw new BaggageRejectedException(
          Reason.TOO_LARGE,
          key,
          "baggage would be " + size + " bytes with '" + key + "', over the cap of " + maxBytes);
    }
    return context.with(updated);
  }

  /**
   * Returns {@code baggage} without the entries that break a rule, dropping the last entries while
   * the rest exceeds the size cap. The same instance when everything passes.
   */
  public Baggage sanitize(Baggage baggage) {
    if (baggage.isEmpty()) {
      return baggage;
    }
    BaggageBuilder kept = Baggage.builder();
    boolean[] changed = {false};
    int[] size = {0};
    baggage.forEach(
        (key, entry) -> {
          Reason reason = check(key, entry.getValue());
          int entrySize = entrySize(key, entry);
          int next = size[0] + (size[0] == 0 ? 0 : 1) + entrySize;
          if (reason == null && next > maxBytes) {
            reason = Reason.TOO_LARGE;
          }
          if (reason != null) {
            changed[0] = true;
            if (logger.isLoggable(Level.FINE)) {
              logger.fine("dropping baggage entry: " + describe(reason, key));
            }
            return;
          }
          size[0] = next;
          kept.put(key, entry.getValue(), entry.getMetadata());
        });
    return changed[0] ? kept.build() : baggage;
  }

  /**
   * Wraps {@code delegate} (normally the composite of W3C trace context and baggage) so that the
   * baggage it injects and extracts is {@link #sanitize sanitized}.
   */
  public TextMapPropagator propagator(TextMapPropagator delegate) {
    requireNonNull(delegate, "delegate");
    return new TextMapPropagator() {
      @Override
      public Collection<String> fields() {
        return delegate.fields();
      }

      @Override
      public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
        delegate.inject(sanitized(context), carrier, setter);
      }

      @Override
      public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
        return sanitized(delegate.extract(context, carrier, getter));
      }

      @Override
      public String toString() {
        return "BaggageGuard.propagator{" + delegate + "}";
      }
    };
  }

  private Context sanitized(Context context) {
    Baggage baggage = Baggage.fromContextOrNull(context);
    if (baggage == null) {
      return context;
    }
    Baggage clean = sanitize(baggage);
    return clean == baggage ? context : context.with(clean);
  }

  private @Nullable Reason check(String key, String value) {
    if (!keyPattern.matcher(key).matches()) {
      return Reason.INVALID_KEY;
    }
    if (isDenied(key)) {
      return Reason.DENIED_KEY;
    }
    if (rejectPiiValues && !piiDetector.redact(value).equals(value)) {
      return Reason.PII_VALUE;
    }
    return null;
  }

  private boolean isDenied(String key) {
    String lower = key.toLowerCase(Locale.ROOT);
    for (String segment : lower.split("[._-]")) {
      if (deniedTerms.contains(segment)) {
        return true;
      }
    }
    return deniedTerms.contains(lower);
  }

  private String describe(Reason reason, String key) {
    switch (reason) {
      case INVALID_KEY:
        return "baggage key '" + key + "' does not match " + keyPattern.pattern();
      case DENIED_KEY:
        return "baggage key '" + key + "' names personal data; put it on the span, masked";
      case PII_VALUE:
        return "baggage value for '" + key + "' looks like personal data";
      default:
        return "baggage over " + maxBytes + " bytes";
    }
  }

  /** The length of {@code baggage} encoded as a W3C {@code baggage} header value. */
  public static int encodedSize(Baggage baggage) {
    int[] size = {0};
    baggage.forEach((key, entry) -> size[0] += (size[0] == 0 ? 0 : 1) + entrySize(key, entry));
    return size[0];
  }

  private static int entrySize(String key, BaggageEntry entry) {
    int size =
        key.length() + 1 + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8).length();
    String metadata = entry.getMetadata().getValue();
    if (!metadata.isEmpty()) {
      size += 1 + metadata.length();
    }
    return size;
  }

  /** Validating builder for {@link BaggageGuard}. */
  public static final class Builder {
    private Pattern keyPattern = DEFAULT_KEY_PATTERN;
    private Set<String> deniedTerms = DEFAULT_DENIED_TERMS;
    private int maxBytes = DEFAULT_MAX_BYTES;
    private boolean rejectPiiValues = true;

    private Builder() {}

    /** The rule every key must match as a whole. */
    public Builder keyPattern(Pattern keyPattern) {
      this.keyPattern = requireNonNull(keyPattern, "keyPattern");
      return this;
    }

    /** Replaces the denied terms; a key is denied when one of its segments is a denied term. */
    public Builder deniedTerms(Set<String> terms) {
      this.deniedTerms = Set.copyOf(requireNonNull(terms, "terms"));
      return this;
    }

    /** The cap on the encoded baggage, in bytes (the W3C limit is 8192). */
    public Builder maxBytes(int maxBytes) {
      if (maxBytes < 1 || maxBytes > 8192) {
        throw new IllegalArgumentException("maxBytes must be in [1, 8192]: " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /** Whether values that look like phone numbers, e-mails or card numbers are refused. */
    public Builder rejectPiiValues(boolean reject) {
      this.rejectPiiValues = reject;
      return this;
    }

    public BaggageGuard build() {
      return new BaggageGuard(this);
    }
  }
}
