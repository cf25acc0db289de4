package dev.sightline.example.shop.faults;

/** A provider refused to serve one tenant (for example a suspended merchant account). */
public final class TenantRejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TenantRejectedException(String message) {
    super(message);
  }
}
