package dev.sightline.query;

/** A query parameter is malformed or out of range; the message names the parameter. */
public final class InvalidParameterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String parameter;

  public InvalidParameterException(String parameter, String problem) {
    super("invalid parameter '" + parameter + "': " + problem, null, false, false);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
