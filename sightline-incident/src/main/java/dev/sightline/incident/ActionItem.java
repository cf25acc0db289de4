package dev.sightline.incident;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A post-mortem improvement item.
 *
 * @param done whether it was marked done; {@code doneAt} and {@code doneBy} say when and by whom
 *     (both null while not done; {@code doneBy} also when nobody was named)
 */
public record ActionItem(
    String id,
    String text,
    @Nullable String owner,
    Instant createdAt,
    boolean done,
    @Nullable Instant doneAt,
    @Nullable String doneBy) {
  public ActionItem {
    requireNonNull(id, "id");
    requireNonNull(text, "text");
    requireNonNull(createdAt, "createdAt");
    if (!done) {
      doneAt = null;
      doneBy = null;
    }
  }

  /** A new item, not done. */
  public ActionItem(String id, String text, @Nullable String owner, Instant createdAt) {
    this(id, text, owner, createdAt, false, null, null);
  }

  /** A copy marked done (or not done again) at {@code at}, by {@code by} when given. */
  public ActionItem withDone(boolean isDone, Instant at, @Nullable String by) {
    return new ActionItem(id, text, owner, createdAt, isDone, isDone ? at : null, by);
  }
}
