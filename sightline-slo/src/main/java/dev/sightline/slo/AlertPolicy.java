package dev.sightline.slo;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** OpenSLO {@code kind: AlertPolicy} with its conditions and notification targets resolved. */
public record AlertPolicy(
    ObjectMeta metadata,
    @Nullable String description,
    boolean alertWhenNoData,
    boolean alertWhenResolved,
    boolean alertWhenBreaching,
    List<AlertCondition> conditions,
    List<AlertNotificationTarget> notificationTargets) {
  public AlertPolicy {
    conditions = List.copyOf(conditions);
    notificationTargets = List.copyOf(notificationTargets);
  }
}
