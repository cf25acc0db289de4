package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A post-mortem improvement item. */
public record ActionItem(String id, String text, @Nullable String owner, Instant createdAt) {
  public ActionItem {
    requireNonNull(id, "id");
    requireNonNull(text, "text");
    requireNonNull(createdAt, "createdAt");
  }
}
