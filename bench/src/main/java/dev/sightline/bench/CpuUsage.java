package dev.sightline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this process, of the server process and of the whole machine (Linux {@code /proc}),
 * so a phase can report how many cores each used and how much went to other processes on a shared
 * machine. Clock ticks are assumed to be 100 per second (Linux {@code USER_HZ}).
 */
record CpuUsage(long wallNanos, long clientNanos, long serverNanos, long busyNanos) {
  private static final long NANOS_PER_TICK = 10_000_000L;

  static CpuUsage now(long serverPid) {
    long client = -1;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      client = os.getProcessCpuTime();
    }
    return new CpuUsage(System.nanoTime(), client, serverNanos(serverPid), machineBusyNanos());
  }

  /** Cores used between {@code start} and this sample: client, server, others, machine. */
  double[] coresSince(CpuUsage start) {
    double wall = Math.max(1, wallNanos - start.wallNanos);
    double client = clientNanos < 0 ? Double.NaN : (clientNanos - start.clientNanos) / wall;
    double server = serverNanos < 0 ? Double.NaN : (serverNanos - start.serverNanos) / wall;
    double machine = busyNanos < 0 ? Double.NaN : (busyNanos - start.busyNanos) / wall;
    double others = machine - client - (Double.isNaN(server) ? 0 : server);
    return new double[] {client, server, others, machine};
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
