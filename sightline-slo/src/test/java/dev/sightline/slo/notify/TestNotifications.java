package dev.sightline.slo.notify;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/** Deterministic notifications relative to "now" for the notifier tests. */
final class TestNotifications {
  private TestNotifications() {}

  static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
  static final Instant STARTS_AT = NOW.minus(Duration.ofMinutes(3));

  /** A firing page-fast alert of place-order-availability. */
  static AlertNotification firing(String fingerprint) {
    return firing(fingerprint, "place-order-availability");
  }

  static AlertNotification firing(String fingerprint, String slo) {
    Map<String, Double> burnRates = new LinkedHashMap<>();
    burnRates.put("5m", 400.0);
    burnRates.put("1h", 120.25);
    return new AlertNotification(
        fingerprint,
        slo,
        "99.9% of orders placed",
        "checkout",
        AlertNotification.Status.FIRING,
        "P0",
        "page-fast",
        "page",
        STARTS_AT,
        null,
        burnRates,
        0.875,
        URI.create("https://runbooks.example.com/checkout"),
        "team-checkout",
        Duration.ofMinutes(15),
        slo + " burning error budget 400x (page-fast)",
        URI.create("http://sightline.example.com/slos/" + slo),
        Map.of("incident_id", "INC-42"));
  }
}
