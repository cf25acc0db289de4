package dev.sightline.testing;

import static java.util.Objects.requireNonNull;

import dev.sightline.core.storage.StorageComponent;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A storage backend for tests that are about what runs on storage (SLO evaluation, incidents, the
 * API), not about one backend: the backend named by the system property {@value #PROPERTY} ({@value
 * #DEFAULT} unless set), so the same tests run on every backend.
 *
 * <pre>{@code
 * @TempDir Path dir;
 * StorageFixture fixture = StorageFixture.create(dir);
 * StorageComponent storage = fixture.open();   // fresh and empty, private to the test
 * storage = fixture.reopen();                  // closed and opened again on the same data
 * fixture.close();                             // closes the component, releases the data
 * }</pre>
 *
 * <p>Backends plug in through {@link Provider}, found with {@link ServiceLoader}: this module
 * depends on no backend (the backends' own tests depend on it). A backend ships its provider in its
 * test-jar ({@code META-INF/services/dev.sightline.testing.StorageFixture$Provider}) and a module
 * whose tests use the fixture has that test-jar as a test dependency; see the module README. Naming
 * a backend without a provider on the class path fails with the providers found. Not thread-safe:
 * one fixture per test (or per test class).
 */
public final class StorageFixture implements AutoCloseable {
  /** The system property naming the backend: {@code -Dsightline.test.storage=clickhouse}. */
  public static final String PROPERTY = "sightline.test.storage";

  /** The backend when {@value #PROPERTY} is unset or blank. */
  public static final String DEFAULT = "duckdb";

  private final String backend;
  private final DataSet data;
  private @Nullable StorageComponent open;
  private boolean closed;

  private StorageFixture(String backend, DataSet data) {
    this.backend = backend;
    this.data = data;
  }

  /**
   * A fixture on the backend named by {@value #PROPERTY}, with {@code dir} (an empty folder private
   * to the test, such as a {@code @TempDir}) for whatever files the backend keeps.
   *
   * @throws IllegalStateException when no provider on the class path has that name
   */
  public static StorageFixture create(Path dir) {
    return create(configuredBackend(), dir);
  }

  /** A fixture on the backend named {@code backend}, whatever {@value #PROPERTY} says. */
  public static StorageFixture create(String backend, Path dir) {
    requireNonNull(backend, "backend");
    requireNonNull(dir, "dir");
    Provider provider = providers().get(backend.toLowerCase(Locale.ROOT));
    if (provider == null) {
      throw new IllegalStateException(
          "no storage fixture provider named '"
              + backend
              + "' ("
              + PROPERTY
              + "); on the class path: "
              + providers().keySet()
              + ". Add the backend's test-jar to this module's test dependencies.");
    }
    try {
      return new StorageFixture(provider.name(), provider.create(dir));
    } catch (Exception e) {
      throw new IllegalStateException("cannot create a " + backend + " storage fixture", e);
    }
  }

  /** The backend {@value #PROPERTY} names, lower case; {@value #DEFAULT} when unset or blank. */
  public static String configuredBackend() {
    String v = System.getProperty(PROPERTY);
    return v == null || v.isBlank() ? DEFAULT : v.trim().toLowerCase(Locale.ROOT);
  }

  /** The providers on the class path by name. */
  static Map<String, Provider> providers() {
    Map<String, Provider> out = new TreeMap<>();
    for (Provider p : ServiceLoader.load(Provider.class)) {
      Provider previous = out.putIfAbsent(p.name().toLowerCase(Locale.ROOT), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two storage fixture providers named '"
                + p.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + p.getClass().getName());
      }
    }
    return out;
  }

  /** The backend's name, as its provider gives it. */
  public String backend() {
    return backend;
  }

  /**
   * A component on this fixture's data: empty the first time, afterwards what the previous
   * components stored (as after a process restart).
   *
   * @throws IllegalStateException when a component of this fixture is still open, or it is closed
   */
  public StorageComponent open() {
    if (closed) throw new IllegalStateException("the storage fixture is closed");
    if (open != null) {
      throw new IllegalStateException("a component is still open: close it or call reopen()");
    }
    try {
      open = requireNonNull(data.open(), "DataSet.open()");
    } catch (Exception e) {
      throw new IllegalStateException("cannot open " + backend + " storage", e);
    }
    return open;
  }

  /**
   * The component open now.
   *
   * @throws IllegalStateException when none is
   */
  public StorageComponent storage() {
    StorageComponent c = open;
    if (c == null) throw new IllegalStateException("no component is open: call open()");
    return c;
  }

  /** Closes the open component (if any) and opens a new one on the same data. */
  public StorageComponent reopen() {
    closeComponent();
    return open();
  }

  /** Closes the open component, if any; {@link #open()} then opens one on the same data. */
  public void closeComponent() {
    StorageComponent c = open;
    open = null;
    if (c != null) c.close();
  }

  /** Closes the open component, then releases the data (a backend may delete it). Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    try {
      closeComponent();
    } finally {
      data.close();
    }
  }

  /**
   * A backend for {@link StorageFixture}, registered for {@link ServiceLoader} under {@code
   * META-INF/services/dev.sightline.testing.StorageFixture$Provider}. Needs a public no-argument
   * constructor.
   */
  public interface Provider {
    /** The name {@value StorageFixture#PROPERTY} selects it by, such as {@code duckdb}. */
    String name();

    /**
     * A new, empty data set private to one test. {@code dir} is an empty folder the backend may use
     * for its files; a server-based backend creates its own database (or server) instead, and fails
     * here, saying why, when it cannot (under {@code CI=true} a test must not be skipped for a
     * missing server: see {@link ExternalTools}).
     */
    DataSet create(Path dir) throws Exception;
  }

  /** The data of one fixture. */
  public interface DataSet extends AutoCloseable {
    /**
     * A component on this data: empty the first time, afterwards holding what earlier components
     * stored (they were closed first).
     */
    StorageComponent open() throws Exception;

    /**
     * Releases the data once every component is closed (a server-based backend drops its database);
     * nothing by default (the files stay in the test's folder). Failures are unchecked.
     */
    @Override
    default void close() {}
  }
}
