package dev.sightline.example.dice;

import dev.sightline.kit.trace.Traced;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guide's {@code rolldice} handler body: a manual span {@code roll} carrying {@code
 * roll.value}, the {@code dice.rolls} counter by {@code roll.value}, and the log line "Alice is
 * rolling the dice" with the result. Tracer, meter and logger share the guide's scope name.
 */
final class DiceRoller {
  /** The instrumentation scope of the tracer, meter and logger, as in the guide. */
  static final String SCOPE = "rolldice";

  static final AttributeKey<Long> ROLL_VALUE = AttributeKey.longKey("roll.value");

  private static final Logger log = LoggerFactory.getLogger(SCOPE);

  private final Traced traced;
  private final LongCounter rolls;
  private final RandomGenerator random;

  DiceRoller(OpenTelemetry openTelemetry, RandomGenerator random) {
    this.traced = Traced.create(openTelemetry, SCOPE);
    this.rolls =
        openTelemetry
            .getMeter(SCOPE)
            .counterBuilder("dice.rolls")
            .setDescription("The number of rolls by roll value")
            .setUnit("{roll}")
            .build();
    this.random = random;
  }

  /** Rolls a die for {@code player} (anonymous when null) and returns the value, 1 to 6. */
  int roll(@Nullable String player) {
    return traced.call(
        "roll",
        span -> {
          int roll = 1 + random.nextInt(6);
          String message =
              player != null
                  ? player + " is rolling the dice"
                  : "Anonymous player is rolling the dice";
          log.atInfo().addKeyValue("result", roll).log(message);
          span.setAttribute(ROLL_VALUE, (long) roll);
          rolls.add(1, Attributes.of(ROLL_VALUE, (long) roll));
          return roll;
        });
  }
}
