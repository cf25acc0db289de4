package dev.sightline.server.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sightline.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code --auth-file}: one JSON object holding the tokens, never their secrets.
 *
 * <pre>{@code
 * {"tokens": [
 *   {"id": "3f9a0c1b", "name": "checkout CI", "tenant": "acme", "roles": ["ingest"],
 *    "created": "2026-12-03T18:50:00Z", "sha256": "<64 hex digits>"}
 * ]}
 * }</pre>
 *
 * <p>A token is {@code sl_}, its 8-hex-digit id, {@code _}, then 256 random bits in base64url (no
 * padding): {@code sl_3f9a0c1b_Vq2...}. The file keeps the SHA-256 of the whole token string; a
 * presented token is looked up by its id and its hash compared in constant time. Writes replace the
 * file atomically, owner-only ({@code rw-------}), under a lock file ({@code .NAME.lock}) so that
 * two {@code sightline token} commands never lose each other's change.
 */
public final class TokenFile {
  static final String PREFIX = "sl_";
  private static final int ID_HEX_DIGITS = 8;
  private static final int SECRET_BYTES = 32;
  private static final Pattern ID = Pattern.compile("[0-9a-f]{" + ID_HEX_DIGITS + "}");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One token as stored: public fields and the SHA-256 of the token. */
  public record Entry(
      String id, String name, String tenant, Set<Role> roles, Instant created, byte[] sha256) {
    public Entry {
      roles = Set.copyOf(roles);
      sha256 = sha256.clone();
    }

    public Principal principal() {
      return new Principal(id, name, tenant, roles);
    }

    /** True when {@code token}'s hash is this entry's, compared in constant time. */
    boolean matches(byte[] tokenHash) {
      return MessageDigest.isEqual(sha256, tokenHash);
    }
  }

  /** A token just created: its entry, and the token itself, shown once and never stored. */
  public record Created(Entry entry, String token) {}

  private TokenFile() {}

  /**
   * Reads the tokens of {@code file}.
   *
   * @throws NoSuchFileException when it does not exist
   * @throws IOException when it cannot be read
   * @throws IllegalArgumentException when it is not a valid token file, naming what is wrong
   */
  public static List<Entry> read(Path file) throws IOException {
    return parse(Files.readAllBytes(file));
  }

  static List<Entry> parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("tokens").isArray()) {
      throw new IllegalArgumentException("expected a JSON object {\"tokens\": [...]}");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int i = 0;
    for (JsonNode t : root.get("tokens")) {
      String where = "tokens[" + i++ + "]";
      String id = text(t, "id", where);
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException(where + ".id must be 8 lowercase hex digits");
      }
      if (!ids.add(id)) throw new IllegalArgumentException(where + ".id " + id + " is repeated");
      String tenant = text(t, "tenant", where);
      checkTenant(tenant);
      Set<Role> roles = EnumSet.noneOf(Role.class);
      if (!t.path("roles").isArray() || t.get("roles").isEmpty()) {
        throw new IllegalArgumentException(where + ".roles must be a non-empty array");
      }
      for (JsonNode r : t.get("roles")) {
        try {
          roles.add(Role.parse(r.asText()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ".roles: " + e.getMessage());
        }
      }
      Instant created;
      try {
        created = Instant.parse(text(t, "created", where));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(where + ".created is not an ISO-8601 instant");
      }
      byte[] hash;
      try {
        hash = HexFormat.of().parseHex(text(t, "sha256", where));
      } catch (IllegalArgumentException e) {
        hash = new byte[0];
      }
      if (hash.length != 32) {
        throw new IllegalArgumentException(where + ".sha256 must be 64 hex digits");
      }
      String name = t.path("name").isTextual() ? t.get("name").asText() : "";
      entries.add(new Entry(id, name, tenant, roles, created, hash));
    }
    return List.copyOf(entries);
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      throw new IllegalArgumentException(where + "." + field + " must be a non-empty string");
    }
    return v.asText();
  }

  static byte[] serialize(List<Entry> entries) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode tokens = root.putArray("tokens");
    for (Entry e : entries) {
      ObjectNode t = tokens.addObject();
      t.put("id", e.id());
      t.put("name", e.name());
      t.put("tenant", e.tenant());
      ArrayNode roles = t.putArray("roles");
      for (Role r : Role.values()) if (e.roles().contains(r)) roles.add(r.label());
      t.put("created", e.created().toString());
      t.put("sha256", HexFormat.of().formatHex(e.sha256()));
    }
    try {
      return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Adds a new token to {@code file} (created, owner-only, when absent) and returns it.
   *
   * @throws IllegalArgumentException for an invalid tenant or name, or a broken file
   */
  public static Created create(Path file, String name, String tenant, Set<Role> roles)
      throws IOException {
    checkTenant(tenant);
    if (name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
      throw new IllegalArgumentException("name: at most 100 characters, no control characters");
    }
    if (roles.isEmpty()) throw new IllegalArgumentException("at least one role is required");
    try (Lock ignored = lock(file)) {
      List<Entry> entries = new ArrayList<>(readOrEmpty(file));
      Set<String> ids = new HashSet<>();
      for (Entry e : entries) ids.add(e.id());
      String id;
      do {
        byte[] b = new byte[ID_HEX_DIGITS / 2];
        RANDOM.nextBytes(b);
        id = HexFormat.of().formatHex(b);
      } while (ids.contains(id));
      byte[] secret = new byte[SECRET_BYTES];
      RANDOM.nextBytes(secret);
      String token =
          PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
      Entry entry =
          new Entry(
              id, name, tenant, roles, Instant.now().truncatedTo(ChronoUnit.SECONDS), hash(token));
      entries.add(entry);
      AtomicFiles.writeOwnerOnly(file, serialize(entries));
      return new Created(entry, token);
    }
  }

  /** Removes the token {@code id} from {@code file}; false when there is none. */
  public static boolean revoke(Path file, String id) throws IOException {
    try (Lock ignored = lock(file)) {
      List<Entry> entries = new ArrayList<>(read(file));
      if (!entries.removeIf(e -> e.id().equals(id))) return false;
      AtomicFiles.writeOwnerOnly(file, serialize(entries));
      return true;
    }
  }

  private static List<Entry> readOrEmpty(Path file) throws IOException {
    try {
      return read(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** An exclusive lock on {@code .NAME.lock} beside the file; closing releases it. */
  private record Lock(FileChannel channel) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static Lock lock(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    FileChannel channel =
        FileChannel.open(
            parent.resolve("." + file.getFileName() + ".lock"),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
    try {
      channel.lock();
      return new Lock(channel);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  static void checkTenant(String tenant) {
    // a tenant name becomes a folder of the data directory (DATA/tenants/NAME)
    dev.sightline.core.model.Tenants.check(tenant);
  }

  /** The id part of a well-formed token, or null. */
  static @Nullable String idOf(String token) {
    int idEnd = PREFIX.length() + ID_HEX_DIGITS;
    if (token.length() < idEnd + 2 || !token.startsWith(PREFIX) || token.charAt(idEnd) != '_') {
      return null;
    }
    String id = token.substring(PREFIX.length(), idEnd);
    return ID.matcher(id).matches() ? id : null;
  }

  static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
