package dev.sightline.server.auth;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a token may do. {@link #ADMIN} may do everything. */
public enum Role {
  /** Send telemetry: OTLP/gRPC and OTLP/HTTP. */
  INGEST,
  /** Read: GET under {@code /api/v1}, the UI's data, {@code /metrics}. */
  READ,
  /** Change: POST, PUT, PATCH, DELETE under {@code /api/v1} (SLO specs, incident actions). */
  WRITE,
  /** Everything. */
  ADMIN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code ingest}, {@code read}, {@code write}, {@code admin}.
   *
   * @throws IllegalArgumentException naming the unknown role and the known ones
   */
  public static Role parse(String value) {
    for (Role r : values()) if (r.label().equals(value.trim().toLowerCase(Locale.ROOT))) return r;
    throw new IllegalArgumentException(
        "unknown role '" + value + "' (roles: ingest, read, write, admin)");
  }

  /** Parses a comma-separated list of at least one role. */
  public static Set<Role> parseList(String value) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String part : value.split(",")) if (!part.isBlank()) roles.add(parse(part));
    if (roles.isEmpty()) throw new IllegalArgumentException("at least one role is required");
    return roles;
  }
}
