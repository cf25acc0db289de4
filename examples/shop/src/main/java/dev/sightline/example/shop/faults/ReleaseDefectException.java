package dev.sightline.example.shop.faults;

/** A defect shipped in a release. */
public final class ReleaseDefectException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReleaseDefectException(String message) {
    super(message);
  }
}
