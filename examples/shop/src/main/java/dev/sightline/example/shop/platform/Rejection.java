package dev.sightline.example.shop.platform;

import dev.sightline.kit.trace.BusinessValidationException;

/** The request broke a business rule; answered with a 4xx status. */
public final class Rejection extends BusinessValidationException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public Rejection(int status, String message) {
    super(message);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("a rejection is a 4xx status: " + status);
    }
    this.status = status;
  }

  public int status() {
    return status;
  }
}
