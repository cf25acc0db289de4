package dev.sightline.kit.redaction;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.common.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Masks personal data in telemetry text (seed 004 §3.3): phone numbers ({@code 13800138000} becomes
 * {@code 138****8000}), e-mail addresses ({@code alice@example.com} becomes {@code
 * a***@example.com}), card numbers of the major networks that pass the Luhn check (all digits but
 * the last four become {@code *}), and the whole value of configured keys ({@code password}, {@code
 * authorization}, ...), which becomes {@value #REDACTED}.
 *
 * <p>What counts as a phone number: a Chinese mobile number ({@code 1[3-9]} and 9 digits), an
 * international number written with a leading {@code +}, or a North-American number written with
 * separators ({@code 415-555-0100}). Bare digit runs are otherwise left alone so that IDs and
 * timestamps survive; a card candidate must start with a network prefix (4, 51–55, 2221–2720, 34,
 * 37, 35, 6) and pass Luhn, so an epoch-millisecond timestamp is never masked.
 *
 * <p>Thread-safe and immutable. Methods return the same instance when nothing needed masking.
 *
 * <pre>{@code
 * PiiRedactor redactor = PiiRedactor.builder().redactedKeys(Set.of("password", "user.ssn")).build();
 * redactor.redact("call 13800138000"); // "call 138****8000"
 * }</pre>
 */
public final class PiiRedactor {
  /** The replacement for the value of a redacted key. */
  public static final String REDACTED = "[REDACTED]";

  /** Keys whose values are always replaced unless {@link Builder#redactedKeys} says otherwise. */
  public static final Set<String> DEFAULT_REDACTED_KEYS =
      Set.of(
          "password",
          "passwd",
          "pwd",
          "secret",
          "token",
          "access_token",
          "refresh_token",
          "api_key",
          "apikey",
          "authorization",
          "cookie",
          "set-cookie",
          "http.request.header.authorization",
          "http.request.header.cookie",
          "http.response.header.set-cookie");

  private static final Pattern CARD = Pattern.compile("(?<![\\d.])(?:\\d[ -]?){12,18}\\d(?![\\d])");
  private static final Pattern CN_MOBILE = Pattern.compile("(?<![\\w+*])1[3-9]\\d{9}(?![\\w])");
  private static final Pattern INTERNATIONAL_PHONE =
      Pattern.compile("(?<![\\w+])\\+\\d(?:[ ()-]?\\d){7,14}(?![\\d])");
  private static final Pattern NANP_PHONE =
      Pattern.compile("(?<![\\w*])\\(?\\d{3}\\)?[ .-]\\d{3}[ .-]\\d{4}(?![\\w])");

  private final boolean maskPhones;
  private final boolean maskEmails;
  private final boolean maskCards;
  private final Set<String> redactedKeys;

  private PiiRedactor(Builder builder) {
    this.maskPhones = builder.maskPhones;
    this.maskEmails = builder.maskEmails;
    this.maskCards = builder.maskCards;
    this.redactedKeys =
        builder.redactedKeys.stream()
            .map(k -> k.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** A redactor with every detector on and {@link #DEFAULT_REDACTED_KEYS}. */
  public static PiiRedactor defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether the value of attribute {@code key} is replaced as a whole. Case-insensitive. */
  public boolean isRedactedKey(String key) {
    if (redactedKeys.isEmpty()) {
      return false;
    }
    if (redactedKeys.contains(key)) {
      return true;
    }
    for (int i = 0, n = key.length(); i < n; i++) {
      if (Character.isUpperCase(key.charAt(i))) {
        return redactedKeys.contains(key.toLowerCase(Locale.ROOT));
      }
    }
    return false;
  }

  /** Returns {@code text} with phone numbers, e-mail addresses and card numbers masked. */
  public String redact(String text) {
    // One pass over the text decides which detectors can match at all; most values need none.
    int digitRun = 0; // digits, separators allowed
    int maxDigitRun = 0;
    int pureRun = 0; // digits only
    int maxPureRun = 0;
    boolean at = false;
    boolean plus = false;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        maxDigitRun = Math.max(maxDigitRun, ++digitRun);
        maxPureRun = Math.max(maxPureRun, ++pureRun);
        continue;
      }
      pureRun = 0;
      if (c == '@') {
        at = true;
      } else if (c == '+') {
        plus = true;
      } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
        digitRun = 0;
      }
    }
    if (!at && maxDigitRun < 7) {
      return text;
    }
    String result = text;
    if (maskCards && maxDigitRun >= 13) {
      result = replace(result, CARD, PiiRedactor::maskCard);
    }
    if (maskEmails && at) {
      result = maskEmails(result);
    }
    if (maskPhones) {
      if (maxPureRun >= 11) {
        result = replace(result, CN_MOBILE, m -> maskMiddle(m, 3, 4));
      }
      if (plus && maxDigitRun >= 8) {
        result = replace(result, INTERNATIONAL_PHONE, m -> maskMiddle(m, 1, 2));
      }
      if (maxDigitRun >= 10) {
        result = replace(result, NANP_PHONE, m -> maskMiddle(m, 0, 4));
      }
    }
    return result;
  }

  /**
   * Returns {@code value} masked if it is a string (or holds strings); others are returned as-is.
   */
  public Value<?> redact(Value<?> value) {
    if (value.getType() == ValueType.STRING) {
      String s = (String) value.getValue();
      String r = redact(s);
      return r == s ? value : Value.of(r);
    }
    return value;
  }

  /**
   * Returns {@code attributes} with redacted keys replaced by {@value #REDACTED} and PII masked in
   * string values; the same instance if nothing changed.
   */
  public Attributes redact(Attributes attributes) {
    return redact(attributes, null);
  }

  /**
   * Like {@link #redact(Attributes)}, and when {@code allowedKeys} is non-null drops every key not
   * in it (the log allow-list mode of seed 004 §3.3).
   */
  public Attributes redact(Attributes attributes, @Nullable Set<String> allowedKeys) {
    if (attributes.isEmpty() || !needsChange(attributes, allowedKeys)) {
      return attributes; // the common case, without allocating
    }
    AttributesBuilder out = Attributes.builder();
    attributes.forEach(
        (key, value) -> {
          String name = key.getKey();
          if (allowedKeys != null && !allowedKeys.contains(name)) {
            return;
          }
          if (isRedactedKey(name)) {
            out.put(AttributeKey.stringKey(name), REDACTED);
            return;
          }
          putUnchecked(out, key, redactValue(key, value));
        });
    return out.build();
  }

  private boolean needsChange(Attributes attributes, @Nullable Set<String> allowedKeys) {
    boolean[] change = {false};
    attributes.forEach(
        (key, value) -> {
          if (change[0]) {
            return;
          }
          String name = key.getKey();
          change[0] =
              (allowedKeys != null && !allowedKeys.contains(name))
                  || isRedactedKey(name)
                  || redactValue(key, value) != value;
        });
    return change[0];
  }

  private Object redactValue(AttributeKey<?> key, Object value) {
    if (key.getType() == AttributeType.STRING) {
      return redact((String) value);
    }
    if (key.getType() == AttributeType.STRING_ARRAY) {
      @SuppressWarnings("unchecked")
      List<String> list = (List<String>) value;
      List<String> copy = null;
      for (int i = 0; i < list.size(); i++) {
        String s = list.get(i);
        String r = redact(s);
        if (r != s) {
          if (copy == null) {
            copy = new ArrayList<>(list);
          }
          copy.set(i, r);
        }
      }
      return copy == null ? value : copy;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static void putUnchecked(AttributesBuilder builder, AttributeKey<?> key, Object value) {
    builder.put((AttributeKey<Object>) key, value);
  }

  private interface Masker {
    @Nullable String mask(String match);
  }

  private static String replace(String text, Pattern pattern, Masker masker) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = null;
    int last = 0;
    do {
      String masked = masker.mask(m.group());
      if (masked != null) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, last, m.start()).append(masked);
        last = m.end();
      }
    } while (m.find());
    if (sb == null) {
      return text;
    }
    return sb.append(text, last, text.length()).toString();
  }

  private static @Nullable String maskCard(String match) {
    StringBuilder digits = new StringBuilder(19);
    for (int i = 0; i < match.length(); i++) {
      char c = match.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    if (digits.length() < 13 || digits.length() > 19 || !hasCardPrefix(digits)) {
      return null;
    }
    if (!luhnValid(digits)) {
      return null;
    }
    return maskMiddle(match, 0, 4);
  }

  private static boolean hasCardPrefix(CharSequence d) {
    char c0 = d.charAt(0);
    int two = (c0 - '0') * 10 + (d.charAt(1) - '0');
    int four = two * 100 + (d.charAt(2) - '0') * 10 + (d.charAt(3) - '0');
    return c0 == '4'
        || (two >= 51 && two <= 55)
        || (four >= 2221 && four <= 2720)
        || two == 34
        || two == 37
        || two == 35
        || c0 == '6';
  }

  /** The Luhn (mod 10) check used by payment card numbers. */
  static boolean luhnValid(CharSequence digits) {
    int sum = 0;
    boolean dbl = false;
    for (int i = digits.length() - 1; i >= 0; i--) {
      int d = digits.charAt(i) - '0';
      if (dbl) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      dbl = !dbl;
    }
    return sum % 10 == 0;
  }

  /**
   * Masks {@code local@domain.tld} (first character of the local part kept). Scans outwards from
   * each '@' rather than with a regular expression, which would retry from every position.
   */
  private static String maskEmails(String text) {
    StringBuilder sb = null;
    int copied = 0;
    int from = 0;
    int at;
    while ((at = text.indexOf('@', from)) >= 0) {
      int start = at;
      while (start > copied && isLocalPart(text.charAt(start - 1))) {
        start--;
      }
      int end = at + 1;
      while (end < text.length() && isDomainPart(text.charAt(end))) {
        end++;
      }
      while (end > at + 1 && !Character.isLetterOrDigit(text.charAt(end - 1))) {
        end--; // a sentence's full stop is not part of the domain
      }
      int dot = text.lastIndexOf('.', end - 1);
      if (start < at && dot > at + 1 && end - dot > 2 && letters(text, dot + 1, end)) {
        if (sb == null) {
          sb = new StringBuilder(text.length());
        }
        sb.append(text, copied, start).append(text.charAt(start)).append("***");
        sb.append(text, at, end);
        copied = end;
        from = end;
      } else {
        from = at + 1;
      }
    }
    return sb == null ? text : sb.append(text, copied, text.length()).toString();
  }

  private static boolean isLocalPart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '%'
        || c == '+'
        || c == '-';
  }

  private static boolean isDomainPart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-';
  }

  private static boolean letters(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
        return false;
      }
    }
    return true;
  }

  /** Replaces digits with '*' except the first {@code keepFirst} and last {@code keepLast}. */
  private static String maskMiddle(String match, int keepFirst, int keepLast) {
    int total = 0;
    for (int i = 0; i < match.length(); i++) {
      if (Character.isDigit(match.charAt(i))) {
        total++;
      }
    }
    StringBuilder sb = new StringBuilder(match.length());
    int seen = 0;
    for (int i = 0; i < match.length(); i++) {
      char c = match.charAt(i);
      if (Character.isDigit(c)) {
        seen++;
        sb.append(seen <= keepFirst || seen > total - keepLast ? c : '*');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Builder for {@link PiiRedactor}; every detector is on by default. */
  public static final class Builder {
    private boolean maskPhones = true;
    private boolean maskEmails = true;
    private boolean maskCards = true;
    private Set<String> redactedKeys = DEFAULT_REDACTED_KEYS;

    private Builder() {}

    public Builder maskPhones(boolean maskPhones) {
      this.maskPhones = maskPhones;
      return this;
    }

    public Builder maskEmails(boolean maskEmails) {
      this.maskEmails = maskEmails;
      return this;
    }

    public Builder maskCards(boolean maskCards) {
      this.maskCards = maskCards;
      return this;
    }

    /** Replaces the keys whose whole value is redacted (case-insensitive). */
    public Builder redactedKeys(Set<String> keys) {
      this.redactedKeys = Set.copyOf(requireNonNull(keys, "keys"));
      return this;
    }

    public PiiRedactor build() {
      return new PiiRedactor(this);
    }
  }
}
