package dev.sightline.example.shop.platform;

/**
 * A downstream service failed after the retries: 504 when every attempt timed out, 502 otherwise.
 */
public final class UpstreamFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public UpstreamFailure(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
