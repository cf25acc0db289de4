package dev.sightline.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tokens of the {@code --auth-file}, in memory. A lookup checks, at most once a second, whether
 * the file changed (modification time, size, file key: a {@code stat}, no read) and re-reads it if
 * so; a file that became unreadable or invalid keeps the last good tokens and logs why once per
 * change. So {@code sightline token create} and {@code revoke} take effect within a second, without
 * a restart.
 */
public final class TokenStore {
  private static final Logger logger = LoggerFactory.getLogger(TokenStore.class);
  static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

  private record Snapshot(Map<String, TokenFile.Entry> byId, @Nullable Object version) {}

  private final Path file;
  private final LongSupplier nanoTime;
  private final AtomicLong nextCheck;
  private volatile Snapshot snapshot;
  private @Nullable Object failedVersion;

  private TokenStore(Path file, LongSupplier nanoTime, Snapshot initial) {
    this.file = file;
    this.nanoTime = nanoTime;
    this.snapshot = initial;
    this.nextCheck = new AtomicLong(nanoTime.getAsLong() + CHECK_INTERVAL_NANOS);
  }

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException when it is missing or invalid, saying how to create it
   */
  public static TokenStore open(Path file) {
    return open(file, System::nanoTime);
  }

  static TokenStore open(Path file, LongSupplier nanoTime) {
    Objects.requireNonNull(file, "file");
    try {
      Object version = version(file);
      Snapshot s = snapshot(TokenFile.read(file), version);
      if (s.byId().isEmpty()) logger.warn("auth file {} holds no tokens: nobody can sign in", file);
      return new TokenStore(file, nanoTime, s);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(
          "auth file "
              + file
              + " does not exist; create a token with: sightline token create --auth-file "
              + file
              + " --tenant NAME --role admin");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read auth file " + file + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("auth file " + file + ": " + e.getMessage());
    }
  }

  /** The principal of {@code token}, or null when no stored token matches. */
  public @Nullable Principal authenticate(String token) {
    reloadIfChanged();
    String id = TokenFile.idOf(token);
    byte[] hash = TokenFile.hash(token);
    TokenFile.Entry entry = id == null ? null : snapshot.byId().get(id);
    return entry != null && entry.matches(hash) ? entry.principal() : null;
  }

  /** The principal of the token with {@code id}, or null when it was revoked (sessions). */
  public @Nullable Principal byId(String id) {
    reloadIfChanged();
    TokenFile.Entry entry = snapshot.byId().get(id);
    return entry == null ? null : entry.principal();
  }

  /** Number of tokens loaded. */
  public int size() {
    return snapshot.byId().size();
  }

  private void reloadIfChanged() {
    long now = nanoTime.getAsLong();
    long next = nextCheck.get();
    if (now - next < 0 || !nextCheck.compareAndSet(next, now + CHECK_INTERVAL_NANOS)) return;
    reload();
  }

  /** Re-reads the file if it changed; synchronized so one thread reloads at a time. */
  synchronized void reload() {
    Object version;
    try {
      version = version(file);
    } catch (IOException e) {
      fail(null, "cannot read it: " + e);
      return;
    }
    if (version.equals(snapshot.version()) || version.equals(failedVersion)) return;
    try {
      snapshot = snapshot(TokenFile.read(file), version);
      failedVersion = null;
      logger.info("auth file {} re-read: {} tokens", file, snapshot.byId().size());
    } catch (IOException | IllegalArgumentException e) {
      fail(version, e.getMessage());
    }
  }

  private void fail(@Nullable Object version, @Nullable String why) {
    if (version != null && version.equals(failedVersion)) return;
    failedVersion = version;
    logger.warn(
        "auth file {} changed but {}; keeping the {} tokens read before",
        file,
        version == null ? why : "is invalid: " + why,
        snapshot.byId().size());
  }

  private static Snapshot snapshot(List<TokenFile.Entry> entries, Object version) {
    Map<String, TokenFile.Entry> byId = new HashMap<>();
    for (TokenFile.Entry e : entries) byId.put(e.id(), e);
    return new Snapshot(Map.copyOf(byId), version);
  }

  private static Object version(Path file) throws IOException {
    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(
        a.lastModifiedTime().toMillis(),
        a.lastModifiedTime().toInstant().getNano(),
        a.size(),
        String.valueOf(a.fileKey()));
  }
}
