package dev.sightline.server.api;

import com.linecorp.armeria.common.HttpMethod;
import dev.sightline.server.auth.Role;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The declaration of one API route: its endpoint name (the {@code endpoint} label of {@code
 * sightline_api_request_duration_seconds}), method, path (Armeria syntax, {@code {param}} for a
 * path parameter), the role a token needs, and the largest body it reads.
 */
public record ApiRoute(String name, HttpMethod method, String path, Role role, int maxBodyBytes) {
  /** The body limit of a route that reads a body and does not say otherwise. */
  public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

  private static final Pattern NAME = Pattern.compile("[a-z][a-z_]{0,39}");

  public ApiRoute {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(role, "role");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must be lower-case letters and '_' (a metric label), not '" + name + "'");
    }
    if (!path.startsWith("/api/v1/")) {
      throw new IllegalArgumentException("path must start with /api/v1/: " + path);
    }
    if (maxBodyBytes < 0) throw new IllegalArgumentException("maxBodyBytes must be >= 0");
    if (!readsBody(method) && maxBodyBytes != 0) {
      throw new IllegalArgumentException(method + " " + path + " reads no body: maxBodyBytes 0");
    }
  }

  public static ApiRoute get(String name, String path, Role role) {
    return new ApiRoute(name, HttpMethod.GET, path, role, 0);
  }

  public static ApiRoute post(String name, String path, Role role) {
    return new ApiRoute(name, HttpMethod.POST, path, role, DEFAULT_MAX_BODY_BYTES);
  }

  public static ApiRoute put(String name, String path, Role role) {
    return new ApiRoute(name, HttpMethod.PUT, path, role, DEFAULT_MAX_BODY_BYTES);
  }

  public static ApiRoute delete(String name, String path, Role role) {
    return new ApiRoute(name, HttpMethod.DELETE, path, role, 0);
  }

  /** This route with another body limit. */
  public ApiRoute maxBodyBytes(int bytes) {
    return new ApiRoute(name, method, path, role, bytes);
  }

  /** True for methods whose requests carry a body the handler reads (POST, PUT, PATCH). */
  static boolean readsBody(HttpMethod method) {
    return method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH;
  }

  @Override
  public String toString() {
    return method + " " + path + " (" + name + ", " + role.label() + ")";
  }
}
