package dev.sightline.core.model;

import java.util.regex.Pattern;

/** Tenant names. Every stored row carries one; every read is scoped to one. */
public final class Tenants {
  /** The tenant of all data until authentication assigns another. */
  public static final String DEFAULT = "default";

  /**
   * Valid tenant names: 1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter
   * or digit. A tenant name becomes a folder name ({@code DATA/tenants/NAME}), so the set is one
   * that is safe as a path segment on every file system (no separators, never {@code .} or {@code
   * ..}, no case folding).
   */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

  /** The rule of {@link #isValid}, for messages. */
  public static final String RULE =
      "1 to 63 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";

  private Tenants() {}

  /** Whether {@code tenant} is a valid tenant name (see {@link #check}). */
  public static boolean isValid(String tenant) {
    return tenant != null && NAME.matcher(tenant).matches();
  }

  /**
   * Returns {@code tenant} when it is a valid name: 1 to 63 lower-case letters, digits, '.', '_' or
   * '-', starting with a letter or digit.
   *
   * @throws IllegalArgumentException naming the tenant and the rule otherwise
   */
  public static String check(String tenant) {
    if (!isValid(tenant)) {
      throw new IllegalArgumentException("tenant '" + tenant + "': " + RULE);
    }
    return tenant;
  }
}
