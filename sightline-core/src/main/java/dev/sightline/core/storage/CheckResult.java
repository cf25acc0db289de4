package dev.sightline.core.storage;

import org.jspecify.annotations.Nullable;

/** The health of a component, as data. {@code message} explains a failure. */
public record CheckResult(boolean healthy, @Nullable String message) {
  private static final CheckResult OK = new CheckResult(true, null);

  public static CheckResult ok() {
    return OK;
  }

  public static CheckResult failed(String message) {
    return new CheckResult(false, message);
  }
}
