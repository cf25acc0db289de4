package dev.sightline.example.shop.faults;

/** A dependency answered with an error or not at all: a system error. */
public final class DependencyUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DependencyUnavailableException(String message) {
    super(message);
  }
}
