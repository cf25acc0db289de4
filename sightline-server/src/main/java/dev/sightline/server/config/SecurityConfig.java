package dev.sightline.server.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Authentication and transport security: the token file ({@code --auth-file}, none: authentication
 * off), whether listening beyond loopback without it was explicitly allowed ({@code
 * --insecure-no-auth}), and the PEM certificate chain and private key that turn TLS on for every
 * listener ({@code --tls-cert}, {@code --tls-key}: both or neither).
 */
public record SecurityConfig(
    @Nullable Path authFile,
    boolean insecureNoAuth,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey) {

  /** Authentication off, plain text: for tests and embedding on loopback. */
  public static final SecurityConfig NONE = new SecurityConfig(null, false, null, null);

  public SecurityConfig {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("tls-cert and tls-key must be given together");
    }
  }

  public boolean authEnabled() {
    return authFile != null;
  }

  public boolean tlsEnabled() {
    return tlsCert != null;
  }
}
