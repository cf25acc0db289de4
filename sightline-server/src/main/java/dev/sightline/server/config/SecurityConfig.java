package dev.sightline.server.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Authentication and transport security: the token file ({@code --auth-file}, none: authentication
 * off), whether listening beyond loopback without it was explicitly allowed ({@code
 * --insecure-no-auth}), and the PEM certificate chain and private key that turn TLS on for every
 * listener ({@code --tls-cert}, {@code --tls-key}: both or neither), and the header naming the
 * tenant of a request when a gateway in front authenticates ({@code --tenant-header}: never with
 * {@code --auth-file}, whose tokens carry the tenant).
 */
public record SecurityConfig(
    @Nullable Path authFile,
    boolean insecureNoAuth,
    @Nullable Path tlsCert,
    @Nullable Path tlsKey,
    @Nullable String tenantHeader) {

  /** Authentication off, plain text: for tests and embedding on loopback. */
  public static final SecurityConfig NONE = new SecurityConfig(null, false, null, null, null);

  /** HTTP header names: RFC 9110 tokens. */
  private static final java.util.regex.Pattern HEADER_NAME =
      java.util.regex.Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  public SecurityConfig {
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("tls-cert and tls-key must be given together");
    }
    if (tenantHeader != null) {
      if (!HEADER_NAME.matcher(tenantHeader).matches() || tenantHeader.startsWith(":")) {
        throw new IllegalArgumentException(
            "tenant-header must be an HTTP header name, such as X-Scope-OrgID");
      }
      if (tenantHeader.equalsIgnoreCase("authorization")
          || tenantHeader.equalsIgnoreCase("cookie")
          || tenantHeader.equalsIgnoreCase("host")
          || tenantHeader.equalsIgnoreCase("content-type")) {
        throw new IllegalArgumentException(
            "tenant-header " + tenantHeader + ": pick a header of its own, such as X-Scope-OrgID");
      }
      if (authFile != null) {
        throw new IllegalArgumentException(
            "--tenant-header cannot be used with --auth-file: tokens carry the tenant, and a header"
                + " would let a caller pick another tenant");
      }
    }
  }

  /** Whether a request's tenant comes from {@link #tenantHeader} (set by a gateway in front). */
  public boolean tenantFromHeader() {
    return tenantHeader != null;
  }

  public boolean authEnabled() {
    return authFile != null;
  }

  public boolean tlsEnabled() {
    return tlsCert != null;
  }
}
