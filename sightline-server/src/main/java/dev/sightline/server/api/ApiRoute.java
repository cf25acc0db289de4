package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpMethod;
import dev.sightline.server.auth.Role;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The declaration of one API route: its endpoint name (the {@code endpoint} label of {@code
 * sightline_api_request_duration_seconds}), method, path (Armeria syntax, {@code {param}} for a
 * path parameter), who may call it ({@link Access}: a token with {@code role}, any valid token, or
 * anyone within a rate limit), the largest body it reads, and whether its answers may be stored by
 * a cache ({@code noStore}: never, not even revalidated — sign-in and who-am-I answers).
 */
public record ApiRoute(
    String name,
    HttpMethod method,
    String path,
    Access access,
    @Nullable Role role,
    int maxBodyBytes,
    boolean noStore) {
  /** The body limit of a route that reads a body and does not say otherwise. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z_]{0,39}");

  /** Who may call a route. */
  public enum Access {
    /**
     * A token (or session) with the route's {@link ApiRoute#role()}: 401 without, 403 without the
     * role.
     */
    ROLE,
    /** Any valid token or session, whatever its roles (who am I, sign out): 401 without. */
    SIGNED_IN,
    /**
     * No token: the handler checks what it is given itself (sign-in checks the token in its body).
     * Rate limited per client address ({@link OpenRouteLimiter}), 429 above it.
     */
    OPEN
  }

  public ApiRoute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(access, "access");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lower-case letters and '_' (a metric label), not '" + name + "'");
    }
    if (!path.startsWith("/api/v1/")) {
      throw new IllegalArgumentException("path must start with /api/v1/: " + path);
    }
    if ((access == Access.ROLE) != (role != null)) {
      throw new IllegalArgumentException(
          method + " " + path + ": a role is given exactly when the access is ROLE");
    }
    if (maxBodyBytes < 0) throw new IllegalArgumentException("maxBodyBytes must be >= 0");
    if (!readsBody(method) && maxBodyBytes != 0) {
      throw new IllegalArgumentException(method + " " + path + " reads no body: maxBodyBytes 0");
    }
  }

  /** A route with the default body limit of its method and cacheable answers. */
  private static ApiRoute declare(
      String name, HttpMethod method, String path, Access access, @Nullable Role role) {
    return new ApiRoute(
        name, method, path, access, role, readsBody(method) ? DEFAULT_MAX_BODY_BYTES : 0, false);
  }

  public static ApiRoute get(String name, String path, Role role) {
    return declare(name, HttpMethod.GET, path, Access.ROLE, Objects.requireNonNull(role, "role"));
  }

  public static ApiRoute post(String name, String path, Role role) {
    return declare(name, HttpMethod.POST, path, Access.ROLE, Objects.requireNonNull(role, "role"));
  }

  public static ApiRoute put(String name, String path, Role role) {
    return declare(name, HttpMethod.PUT, path, Access.ROLE, Objects.requireNonNull(role, "role"));
  }

  public static ApiRoute delete(String name, String path, Role role) {
    return declare(
        name, HttpMethod.DELETE, path, Access.ROLE, Objects.requireNonNull(role, "role"));
  }

  /** {@code method path} for any signed-in caller ({@link Access#SIGNED_IN}). */
  public static ApiRoute signedIn(String name, HttpMethod method, String path) {
    return declare(name, method, path, Access.SIGNED_IN, null);
  }

  /** {@code method path} without a token, rate limited ({@link Access#OPEN}). */
  public static ApiRoute open(String name, HttpMethod method, String path) {
    return declare(name, method, path, Access.OPEN, null);
  }

  /** This route with another body limit. */
  public ApiRoute maxBodyBytes(int bytes) {
    return new ApiRoute(name, method, path, access, role, bytes, noStore);
  }

  /**
   * This route answering {@code Cache-Control: no-store} (no entity tag, no conditional GET): for
   * answers that name the caller or set a session.
   */
  public ApiRoute answersNoStore() {
    return new ApiRoute(name, method, path, access, role, maxBodyBytes, true);
  }

  /** True for methods whose requests carry a body the handler reads (POST, PUT, PATCH). */
  static boolean readsBody(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
  }

  /** Who may call it, as a word: the role's label, {@code signed-in} or {@code open}. */
  public String accessLabel() {
    return switch (access) {
      case ROLE -> Objects.requireNonNull(role).label();
      case SIGNED_IN -> "signed-in";
      case OPEN -> "open";
    };
  }

  @Override
  public String toString() {
    return method + " " + path + " (" + name + ", " + accessLabel() + ")";
  }
}
