/**
 * PII redaction for exported spans and log records: phone numbers, e-mail addresses, Luhn-checked
 * card numbers and configured keys ({@link dev.sightline.kit.redaction.PiiRedactor}).
 */
@NullMarked
package dev.sightline.kit.redaction;

import org.jspecify.annotations.NullMarked;
