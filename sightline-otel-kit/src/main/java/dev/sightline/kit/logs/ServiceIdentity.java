package dev.sightline.kit.logs;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The service identity fields of seed 004 §3.1 ({@code service.name}, {@code env}, {@code version})
 * for the log lines written by {@link UnifiedJsonEncoder}, registered per logger-name prefix so
 * that several services sharing one JVM each log under their own name.
 *
 * @param serviceName the {@code service.name} resource attribute
 * @param env the {@code deployment.environment.name} (or legacy {@code deployment.environment})
 * @param version the {@code service.version}
 */
public record ServiceIdentity(String serviceName, String env, String version) {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION =
      AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> ENVIRONMENT_NAME =
      AttributeKey.stringKey("deployment.environment.name");
  private static final AttributeKey<String> ENVIRONMENT =
      AttributeKey.stringKey("deployment.environment");

  private static final Map<String, ServiceIdentity> BY_PREFIX = new ConcurrentHashMap<>();

  public ServiceIdentity {
    requireNonNull(serviceName, "serviceName");
    requireNonNull(env, "env");
    requireNonNull(version, "version");
  }

  /** The identity a resource describes; missing attributes become {@code ""}. */
  public static ServiceIdentity of(Resource resource) {
    String env = resource.getAttribute(ENVIRONMENT_NAME);
    if (env == null) {
      env = resource.getAttribute(ENVIRONMENT);
    }
    return new ServiceIdentity(
        orEmpty(resource.getAttribute(SERVICE_NAME)),
        orEmpty(env),
        orEmpty(resource.getAttribute(SERVICE_VERSION)));
  }

  /** Registers {@code identity} for loggers named {@code loggerPrefix} or below; "" for all. */
  public static void register(String loggerPrefix, ServiceIdentity identity) {
    BY_PREFIX.put(requireNonNull(loggerPrefix, "loggerPrefix"), requireNonNull(identity, "id"));
  }

  /**
   * Removes the registration of {@code identity} for {@code loggerPrefix}, unless another identity
   * has replaced it since (a newer deployment of the same service).
   */
  public static void unregister(String loggerPrefix, ServiceIdentity identity) {
    BY_PREFIX.remove(loggerPrefix, identity);
  }

  /** The identity registered for the longest prefix of {@code loggerName}, if any. */
  public static @Nullable ServiceIdentity forLogger(String loggerName) {
    ServiceIdentity best = null;
    int bestLength = -1;
    for (Map.Entry<String, ServiceIdentity> e : BY_PREFIX.entrySet()) {
      String prefix = e.getKey();
      if (prefix.length() > bestLength
          && loggerName.startsWith(prefix)
          && (prefix.isEmpty()
              || loggerName.length() == prefix.length()
              || loggerName.charAt(prefix.length()) == '.')) {
        best = e.getValue();
        bestLength = prefix.length();
      }
    }
    return best;
  }

  private static String orEmpty(@Nullable String s) {
    return s == null ? "" : s;
  }
}
