package dev.sightline.incident.analysis;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits a message into whitespace-separated tokens and replaces variable parts (numbers, ids,
 * addresses, durations, quoted values, e-mails: see {@link MaskRule}) with {@value #WILDCARD}, so
 * that messages differing only in those parts compare equal. Punctuation around a token is kept
 * ({@code (10.0.0.5:5432),} becomes {@code (<*>),}); a token that is not entirely variable keeps
 * its text and only its delimited number runs are masked ({@code /orders/42} becomes {@code
 * /orders/<*>}). Tokens without a digit, {@code @} or quote take a fast path and are kept as they
 * are. Immutable and thread-safe.
 */
public final class MessageMasker {
  /** The placeholder for masked text, also Drain's wildcard. */
  public static final String WILDCARD = "<*>";

  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Pattern IP = Pattern.compile("(?:\\d{1,3}\\.){3}\\d{1,3}(?::\\d{1,5})?");
  private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+");
  private static final Pattern DURATION =
      Pattern.compile("[-+]?\\d+(?:\\.\\d+)?(?:ns|us|µs|ms|s|m|h|d)");
  private static final Pattern HEX =
      Pattern.compile("0[xX][0-9a-fA-F]+|(?=[0-9a-fA-F]*\\d)[0-9a-fA-F]{8,}");
  private static final Pattern NUMBER = Pattern.compile("[-+]?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?");

  /** A digit run not glued to letters or digits on either side (Drain3's number mask). */
  private static final Pattern DELIMITED_NUMBER =
      Pattern.compile("(?<![A-Za-z0-9])[-+]?\\d+(?:\\.\\d+)?(?![A-Za-z0-9])");

  private static final MessageMasker ALL = new MessageMasker(EnumSet.allOf(MaskRule.class));

  private final EnumSet<MaskRule> rules;

  private MessageMasker(EnumSet<MaskRule> rules) {
    this.rules = rules;
  }

  /** A masker applying every {@link MaskRule}. */
  public static MessageMasker all() {
    return ALL;
  }

  /** A masker applying {@code rules} only (none: tokenizing only). */
  public static MessageMasker of(Set<MaskRule> rules) {
    requireNonNull(rules, "rules");
    return new MessageMasker(
        rules.isEmpty() ? EnumSet.noneOf(MaskRule.class) : EnumSet.copyOf(rules));
  }

  public Set<MaskRule> rules() {
    return EnumSet.copyOf(rules);
  }

  /** The masked tokens of {@code message}, joined by one space. */
  public String mask(String message) {
    return String.join(" ", tokens(message));
  }

  /** The whitespace-separated tokens of {@code message}, masked. */
  public List<String> tokens(String message) {
    requireNonNull(message, "message");
    List<String> out = new ArrayList<>();
    int n = message.length();
    int i = 0;
    while (i < n) {
      while (i < n && Character.isWhitespace(message.charAt(i))) i++;
      if (i >= n) break;
      int start = i;
      char c = message.charAt(i);
      if (rules.contains(MaskRule.QUOTED) && (c == '"' || c == '\'')) {
        int close = message.indexOf(c, i + 1);
        // a quoted run ends at its closing quote, followed by a delimiter or the end
        while (close > 0 && close + 1 < n && isWordChar(message.charAt(close + 1))) {
          close = message.indexOf(c, close + 1);
        }
        if (close > 0) {
          int end = close + 1;
          while (end < n && !Character.isWhitespace(message.charAt(end))) end++;
          out.add(WILDCARD + message.substring(close + 1, end));
          i = end;
          continue;
        }
      }
      while (i < n && !Character.isWhitespace(message.charAt(i))) i++;
      out.add(maskToken(message.substring(start, i)));
    }
    return out;
  }

  private static boolean isWordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }

  private String maskToken(String token) {
    boolean candidate = false;
    for (int i = 0; i < token.length() && !candidate; i++) {
      char c = token.charAt(i);
      candidate = (c >= '0' && c <= '9') || c == '@';
    }
    if (!candidate || rules.isEmpty()) return token;
    int from = 0;
    int to = token.length();
    while (from < to && "([{<'\"".indexOf(token.charAt(from)) >= 0) from++;
    while (to > from && ".,;:)]}>'\"!?".indexOf(token.charAt(to - 1)) >= 0) to--;
    String core = token.substring(from, to);
    if (core.isEmpty()) return token;
    if (isVariable(core)) {
      return token.substring(0, from) + WILDCARD + token.substring(to);
    }
    int eq = core.indexOf('=');
    if (eq > 0 && eq + 1 < core.length() && isVariable(core.substring(eq + 1))) {
      return token.substring(0, from + eq + 1) + WILDCARD + token.substring(to);
    }
    if (rules.contains(MaskRule.NUMBER)) {
      Matcher m = DELIMITED_NUMBER.matcher(token);
      if (m.find()) return m.replaceAll(WILDCARD);
    }
    return token;
  }

  private boolean isVariable(String s) {
    return (rules.contains(MaskRule.UUID) && UUID.matcher(s).matches())
        || (rules.contains(MaskRule.IP) && IP.matcher(s).matches())
        || (rules.contains(MaskRule.EMAIL) && EMAIL.matcher(s).matches())
        || (rules.contains(MaskRule.DURATION) && DURATION.matcher(s).matches())
        || (rules.contains(MaskRule.HEX) && HEX.matcher(s).matches())
        || (rules.contains(MaskRule.NUMBER) && NUMBER.matcher(s).matches());
  }
}
