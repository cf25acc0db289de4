package dev.sightline.slo.alerting;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.io.AtomicFiles;
import dev.sightline.slo.Slo;
import dev.sightline.slo.SloCatalog;
import dev.sightline.slo.SloLoader;
import dev.sightline.slo.SloProblem;
import dev.sightline.slo.notify.NotificationUrlPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenSLO specs Sightline evaluates: the YAML files of a folder the user manages ({@code
 * --slo-dir}, re-read by {@link #reload()} when a file changes) plus specs sent through the API,
 * which are kept as files in a folder of the data directory so that a restart keeps them.
 *
 * <p>Bad specs never disable good ones: an invalid document is left out and reported in {@link
 * #problems()}. When a file that was valid becomes invalid, its last valid content stays in force
 * (and the problems say so) until it is fixed, so that a typo in a running system does not silence
 * an SLO's alerts.
 *
 * <p>Thread-safe.
 */
public final class SloRegistry {
  /** File names of specs sent through the API start with this in problems and sources. */
  public static final String API_PREFIX = "api/";

  private final @Nullable Path directory;
  private final @Nullable Path apiDirectory;
  private final NotificationUrlPolicy urlPolicy;
  private final Map<String, String> lastGood = new HashMap<>();
  private Map<String, Stamp> stamps = Map.of();
  private SloCatalog catalog =
      new SloCatalog(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());
  private Map<String, String> sourceOfSlo = Map.of();
  private Map<String, String> textOfSource = Map.of();
  private long version;

  private SloRegistry(
      @Nullable Path directory, @Nullable Path apiDirectory, NotificationUrlPolicy urlPolicy) {
    this.directory = directory;
    this.apiDirectory = apiDirectory;
    this.urlPolicy = urlPolicy;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The specs in force. */
  public synchronized SloCatalog catalog() {
    return catalog;
  }

  /** The SLOs in force, in file order. */
  public synchronized List<Slo> slos() {
    return catalog.slos();
  }

  /** Every problem of the specs as last read (including files whose last valid content is kept). */
  public synchronized List<SloProblem> problems() {
    return catalog.problems();
  }

  /** Incremented whenever the specs in force change. */
  public synchronized long version() {
    return version;
  }

  /** The SLO named {@code name}, if in force. */
  public synchronized Optional<Slo> slo(String name) {
    return catalog.slos().stream().filter(s -> s.metadata().name().equals(name)).findFirst();
  }

  /** Where the SLO named {@code name} is defined: a file of the folder or {@code api/NAME.yaml}. */
  public synchronized Optional<String> source(String name) {
    return Optional.ofNullable(sourceOfSlo.get(name));
  }

  /**
   * The YAML text in force of the file that defines the SLO named {@code name} (the whole file,
   * other documents included), as it was read or sent.
   */
  public synchronized Optional<String> spec(String name) {
    String source = sourceOfSlo.get(name);
    return source == null ? Optional.empty() : Optional.ofNullable(textOfSource.get(source));
  }

  /**
   * Re-reads both folders if any spec file was added, removed or changed (by size or modification
   * time) since the last read.
   *
   * @return whether the files changed
   */
  public synchronized boolean reload() {
    return reload(false);
  }

  private boolean reload(boolean force) {
    Map<String, Stamp> now = new LinkedHashMap<>();
    if (directory != null) stamp(directory, "", now);
    if (apiDirectory != null) stamp(apiDirectory, API_PREFIX, now);
    if (!force && now.equals(stamps) && version > 0) return false;
    Map<String, String> texts = new LinkedHashMap<>();
    List<SloProblem> readProblems = new ArrayList<>();
    for (String name : now.keySet()) {
      Path file = pathOf(name);
      try {
        String text = Files.readString(file);
        List<String> urls = name.startsWith(API_PREFIX) ? urlPolicy.problems(text) : List.of();
        if (urls.isEmpty()) {
          texts.put(name, text);
        } else {
          // stored before the policy (or before the host left the allow-list): not in force
          for (String u : urls) readProblems.add(new SloProblem(name, 1, "spec.target", u));
        }
      } catch (CharacterCodingException e) {
        readProblems.add(new SloProblem(name, 1, "-", "file is not UTF-8 text"));
      } catch (IOException e) {
        readProblems.add(new SloProblem(name, 1, "-", "cannot read: " + e.getMessage()));
      }
    }
    stamps = now;
    install(texts, readProblems);
    return true;
  }

  /**
   * Validates {@code yaml} (one or more OpenSLO documents, which may refer to specs already in
   * force) and, when valid, stores it as {@code api/NAME.yaml} and puts it in force. The document
   * set must define exactly one SLO.
   *
   * @param name the SLO's name as given in the URL for a replace; null to create
   * @throws SpecRejectedException when invalid, when it defines no or several SLOs, when creating
   *     an SLO that exists, or when replacing an SLO defined in the folder
   */
  public synchronized Slo put(@Nullable String name, String yaml) {
    requireNonNull(yaml, "yaml");
    if (apiDirectory == null) {
      throw new SpecRejectedException(503, "SLOs cannot be stored: no data directory configured");
    }
    List<String> names;
    try {
      names = sloNames(yaml);
    } catch (RuntimeException e) {
      String probe = API_PREFIX + "request.yaml";
      throw new SpecRejectedException(
          400, "invalid OpenSLO spec", SloLoader.parse(Map.of(probe, yaml)).problems());
    }
    if (names.size() != 1) {
      throw new SpecRejectedException(
          400, "the body must define exactly one SLO (kind: SLO), found " + names.size());
    }
    String sloName = names.get(0);
    if (!SloLoader.isValidName(sloName)) {
      // never a file name from an invalid name (a non-string name used to leave "api/.yaml")
      String probe = API_PREFIX + "request.yaml";
      List<SloProblem> problems = new ArrayList<>(SloLoader.parse(Map.of(probe, yaml)).problems());
      if (problems.stream().noneMatch(p -> p.field().endsWith("metadata.name"))) {
        problems.add(
            new SloProblem(
                probe,
                1,
                "metadata.name",
                sloName.isEmpty()
                    ? "must be a string naming the SLO (quote a name that YAML reads as a number,"
                        + " boolean or date: name: \"123\")"
                    : "invalid name '" + sloName + "'"));
      }
      throw new SpecRejectedException(400, "invalid OpenSLO spec", problems);
    }
    if (name != null && !name.equals(sloName)) {
      throw new SpecRejectedException(
          400, "the SLO in the body is named " + sloName + ", the URL names " + name);
    }
    String existing = sourceOfSlo.get(sloName);
    if (name == null && existing != null) {
      throw new SpecRejectedException(409, "SLO " + sloName + " already exists (" + existing + ")");
    }
    if (existing != null && !existing.startsWith(API_PREFIX)) {
      throw new SpecRejectedException(
          409, "SLO " + sloName + " is defined in " + existing + "; edit that file instead");
    }
    String file = API_PREFIX + sloName + ".yaml";
    List<SloProblem> urls = new ArrayList<>();
    for (String u : urlPolicy.problems(yaml)) urls.add(new SloProblem(file, 1, "spec.target", u));
    if (!urls.isEmpty()) throw new SpecRejectedException(400, "invalid OpenSLO spec", urls);
    Map<String, String> next = new LinkedHashMap<>(lastGood);
    next.put(file, yaml);
    List<SloProblem> problems =
        SloLoader.parse(next).problems().stream().filter(p -> p.file().equals(file)).toList();
    if (!problems.isEmpty()) throw new SpecRejectedException(400, "invalid OpenSLO spec", problems);
    writeAtomically(apiDirectory.resolve(sloName + ".yaml"), yaml);
    reload(true); // same size and modification time as before is still a change
    return slo(sloName)
        .orElseThrow(() -> new IllegalStateException("SLO " + sloName + " stored but not loaded"));
  }

  /** The {@code metadata.name} of every {@code kind: SLO} document of a YAML text. */
  static List<String> sloNames(String yaml) {
    List<String> names = new ArrayList<>();
    Yaml parser = new Yaml(new SafeConstructor(new LoaderOptions()));
    for (Object doc : parser.loadAll(yaml)) {
      if (doc instanceof Map<?, ?> m && "SLO".equals(m.get("kind"))) {
        if (m.get("metadata") instanceof Map<?, ?> meta && meta.get("name") instanceof String n) {
          names.add(n);
        } else {
          names.add("");
        }
      }
    }
    return names;
  }

  /**
   * Deletes the SLO named {@code name} that was sent through the API.
   *
   * @throws SpecRejectedException 404 when unknown, 409 when it is defined in the folder
   */
  public synchronized void delete(String name) {
    String source = sourceOfSlo.get(name);
    if (source == null) throw new SpecRejectedException(404, "no SLO named " + name);
    if (!source.startsWith(API_PREFIX) || apiDirectory == null) {
      throw new SpecRejectedException(
          409, "SLO " + name + " is defined in " + source + "; remove it from that file instead");
    }
    try {
      AtomicFiles.delete(apiDirectory.resolve(source.substring(API_PREFIX.length())));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + source, e);
    }
    lastGood.remove(source);
    reload(true);
  }

  private void install(Map<String, String> texts, List<SloProblem> readProblems) {
    SloCatalog first = SloLoader.parse(texts);
    Set<String> bad = new HashSet<>();
    first.problems().forEach(p -> bad.add(p.file()));
    readProblems.forEach(p -> bad.add(p.file()));
    Map<String, String> effective = new LinkedHashMap<>(texts);
    List<SloProblem> notes = new ArrayList<>();
    for (String f : bad) {
      String previous = lastGood.get(f);
      if (previous != null && !previous.equals(texts.get(f))) {
        effective.put(f, previous);
        notes.add(
            new SloProblem(
                f, 1, "-", "the last valid version of this file stays in force until it is fixed"));
      }
    }
    SloCatalog result = bad.isEmpty() || notes.isEmpty() ? first : SloLoader.parse(effective);
    List<SloProblem> problems = new ArrayList<>(first.problems());
    problems.addAll(readProblems);
    problems.addAll(notes);
    problems.sort(Comparator.comparing(SloProblem::file).thenComparingInt(SloProblem::line));
    for (Map.Entry<String, String> e : texts.entrySet()) {
      if (!bad.contains(e.getKey())) lastGood.put(e.getKey(), e.getValue());
    }
    // files still present but unreadable keep their last valid content
    Set<String> present = new HashSet<>(texts.keySet());
    readProblems.forEach(p -> present.add(p.file()));
    lastGood.keySet().retainAll(present);
    catalog =
        new SloCatalog(
            result.slos(),
            result.slis(),
            result.services(),
            result.alertPolicies(),
            result.alertConditions(),
            result.notificationTargets(),
            problems);
    sourceOfSlo = sources(effective);
    textOfSource = Map.copyOf(effective);
    version++;
  }

  private static Map<String, String> sources(Map<String, String> texts) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, String> e : texts.entrySet()) {
      try {
        for (String name : sloNames(e.getValue())) out.putIfAbsent(name, e.getKey());
      } catch (RuntimeException invalidYaml) {
        // reported by the loader; defines nothing
      }
    }
    return out;
  }

  private Path pathOf(String name) {
    if (name.startsWith(API_PREFIX) && apiDirectory != null) {
      return apiDirectory.resolve(name.substring(API_PREFIX.length()));
    }
    return requireNonNull(directory).resolve(name);
  }

  private static void stamp(Path dir, String prefix, Map<String, Stamp> out) {
    if (!Files.isDirectory(dir)) return;
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(
              p -> {
                String n = p.getFileName().toString();
                return !n.startsWith(".")
                    && (n.endsWith(".yaml") || n.endsWith(".yml"))
                    && Files.isRegularFile(p);
              })
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .forEach(
              p -> {
                try {
                  out.put(
                      prefix + p.getFileName(),
                      new Stamp(Files.size(p), Files.getLastModifiedTime(p).toMillis()));
                } catch (IOException e) {
                  out.put(prefix + p.getFileName(), new Stamp(-1, -1));
                }
              });
    } catch (IOException e) {
      // an unreadable folder holds no specs this time; the next reload tries again
    }
  }

  private static void writeAtomically(Path file, String text) {
    try {
      AtomicFiles.write(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private record Stamp(long size, long modifiedMillis) {}

  /** Builds a {@link SloRegistry}. */
  public static final class Builder {
    private @Nullable Path directory;
    private @Nullable Path apiDirectory;
    private NotificationUrlPolicy urlPolicy = NotificationUrlPolicy.NONE;

    private Builder() {}

    /**
     * Which inline notification URLs specs sent through the API may name; none unless set (they
     * refer to the folder's AlertNotificationTargets by name). See {@link NotificationUrlPolicy}.
     */
    public Builder notificationUrls(NotificationUrlPolicy urlPolicy) {
      this.urlPolicy = requireNonNull(urlPolicy, "urlPolicy");
      return this;
    }

    /** The folder of user-managed spec files ({@code --slo-dir}); none unless set. */
    public Builder directory(@Nullable Path directory) {
      this.directory = directory;
      return this;
    }

    /** Where specs sent through the API are kept; without it the API cannot store specs. */
    public Builder apiDirectory(@Nullable Path apiDirectory) {
      this.apiDirectory = apiDirectory;
      return this;
    }

    /** Builds the registry and reads both folders once. */
    public SloRegistry build() {
      SloRegistry r = new SloRegistry(directory, apiDirectory, urlPolicy);
      r.reload();
      return r;
    }
  }
}
