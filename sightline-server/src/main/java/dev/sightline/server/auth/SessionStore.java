package dev.sightline.server.auth;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * UI sessions, in memory: an opaque random id (256 bits, base64url) mapped to the id of the token
 * the user signed in with. A session ends after {@link #IDLE} without a request, on sign-out, when
 * its token is revoked (the token is looked up on every request) and when the server restarts. At
 * most {@link #MAX_SESSIONS} exist; a new one beyond that replaces the least recently used.
 */
public final class SessionStore {
  public static final Duration IDLE = Duration.ofHours(12);
  public static final int MAX_SESSIONS = 10_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final class Session {
    final String tokenId;
    volatile long lastUsedNanos;

    Session(String tokenId, long lastUsedNanos) {
      this.tokenId = tokenId;
      this.lastUsedNanos = lastUsedNanos;
    }
  }

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private final int maxSessions;

  public SessionStore() {
    this(System::nanoTime, MAX_SESSIONS);
  }

  SessionStore(LongSupplier nanoTime, int maxSessions) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.maxSessions = maxSessions;
  }

  /** Starts a session for {@code tokenId}; returns its id (the cookie value). */
  public String create(String tokenId) {
    long now = nanoTime.getAsLong();
    if (sessions.size() >= maxSessions) {
      sessions.values().removeIf(s -> expired(s, now));
      while (sessions.size() >= maxSessions) {
        String oldest = null;
        long oldestUse = Long.MAX_VALUE;
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
          if (oldest == null || e.getValue().lastUsedNanos - oldestUse < 0) {
            oldest = e.getKey();
            oldestUse = e.getValue().lastUsedNanos;
          }
        }
        if (oldest == null) break;
        sessions.remove(oldest);
      }
    }
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    sessions.put(id, new Session(tokenId, now));
    return id;
  }

  /** The token id of a live session (and marks it used), or null. */
  public @Nullable String tokenId(String sessionId) {
    Session s = sessions.get(sessionId);
    if (s == null) return null;
    long now = nanoTime.getAsLong();
    if (expired(s, now)) {
      sessions.remove(sessionId, s);
      return null;
    }
    s.lastUsedNanos = now;
    return s.tokenId;
  }

  public void remove(String sessionId) {
    sessions.remove(sessionId);
  }

  int size() {
    return sessions.size();
  }

  private static boolean expired(Session s, long now) {
    return now - s.lastUsedNanos > IDLE.toNanos();
  }
}
