package dev.sightline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process, of the server process, of the database server process when there is one
 * ({@code clickhouse-server}, see {@link #trackDatabase}), and of the whole machine (Linux {@code
 * /proc}), so a phase can report how many cores each used and how much went to other processes on a
 * shared machine. Clock ticks are assumed to be 100 per second (Linux {@code USER_HZ}).
 */
record CpuUsage(
    long wallNanos, long clientNanos, long serverNanos, long busyNanos, long databaseNanos) {
  private static final long NANOS_PER_TICK = 10_000_000L;

  /**
   * The database servers' process ids, or none: an embedded database is part of the server. Several
   * for a cluster of local nodes, whose CPU is summed.
   */
  private static volatile java.util.List<Long> databasePids = java.util.List.of();

  /** Reports the CPU of {@code pids} (database servers) summed, as its own column from now on. */
  static void trackDatabase(java.util.List<Long> pids) {
    databasePids = java.util.List.copyOf(pids);
  }

  /** The summed CPU of the database servers, or -1 if none is tracked or one is unreadable. */
  private static long trackedDatabaseNanos() {
    java.util.List<Long> pids = databasePids;
    if (pids.isEmpty()) return -1;
    long sum = 0;
    for (long pid : pids) {
      long n = serverNanos(pid);
      if (n < 0) return -1;
      sum += n;
    }
    return sum;
  }

  static CpuUsage now(long serverPid) {
    long client = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      client = os.getProcessCpuTime();
    }
    return new CpuUsage(
        System.nanoTime(),
        client,
        serverNanos(serverPid),
        machineBusyNanos(),
        trackedDatabaseNanos());
  }

  /**
   * Cores used between {@code start} and this sample: client, server, others, machine, database
   * server (NaN when none is tracked; others exclude it).
   */
  double[] coresSince(CpuUsage start) {
    double wall = Math.max(1, wallNanos - start.wallNanos);
    double client = clientNanos < 0 ? Double.NaN : (clientNanos - start.clientNanos) / wall;
    double server = serverNanos < 0 ? Double.NaN : (serverNanos - start.serverNanos) / wall;
    double machine = busyNanos < 0 ? Double.NaN : (busyNanos - start.busyNanos) / wall;
    double database =
        databaseNanos < 0 || start.databaseNanos < 0
            ? Double.NaN
            : (databaseNanos - start.databaseNanos) / wall;
    double others =
        machine
            - client
            - (Double.isNaN(server) ? 0 : server)
            - (Double.isNaN(database) ? 0 : database);
    return new double[] {client, server, others, machine, database};
  }

  long databaseNanosSince(CpuUsage start) {
    return databaseNanos < 0 || start.databaseNanos < 0 ? -1 : databaseNanos - start.databaseNanos;
  }

  long serverNanosSince(CpuUsage start) {
    return serverNanos < 0 ? -1 : serverNanos - start.serverNanos;
  }

  private static long serverNanos(long pid) {
    if (pid <= 0) return -1;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // fields after the command name, which is in parentheses and may contain spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(f[11]);
      long stime = Long.parseLong(f[12]);
      return (utime + stime) * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long machineBusyNanos() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = cpu.trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < f.length && i <= 7; i++) { // user nice system idle iowait irq softirq
        if (i == 4 || i == 5) continue; // idle, iowait
        busy += Long.parseLong(f[i]);
      }
      return busy * NANOS_PER_TICK;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
