package dev.sightline.example.shop.platform;

import dev.sightline.example.shop.faults.Faults;
import dev.sightline.example.shop.faults.ReleaseDefectException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What is deployed of a service: its version and, for a bad release, the extra latency and error
 * rate its code path has.
 *
 * @param version the {@code service.version}
 * @param delay extra time the service's main operation takes in this version
 * @param errorRate probability that the main operation fails in this version
 */
public record Deployment(String version, Duration delay, double errorRate) {
  /** A healthy deployment of {@code version}. */
  public static Deployment healthy(String version) {
    return new Deployment(version, Duration.ZERO, 0);
  }

  /** Applies this version's defects to the main operation of {@code service}. */
  public void misbehave(String service) {
    Faults.sleep(delay);
    if (errorRate > 0 && ThreadLocalRandom.current().nextDouble() < errorRate) {
      throw new ReleaseDefectException(
          service + " " + version + ": NullPointerException in the new request mapping");
    }
  }
}
