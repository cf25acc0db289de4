package dev.sightline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time per thread of the server process (Linux {@code /proc/PID/task}), so a phase can show
 * which server threads were busy, e.g. whether a single writer thread is saturated. Java thread
 * names come from {@code jcmd PID Thread.print} (the kernel keeps only 15 characters); native
 * threads (DuckDB's own) keep their kernel name.
 */
final class ServerThreads {
  private static final long NANOS_PER_TICK = 10_000_000L;
  private static final Pattern JSTACK_THREAD =
      Pattern.compile("^\"(.*)\" .*nid=(0x[0-9a-f]+|\\d+)");

  private record Sample(String comm, long nanos) {}

  private final long pid;
  private final Map<Integer, Sample> start;

  private ServerThreads(long pid, Map<Integer, Sample> start) {
    this.pid = pid;
    this.start = start;
  }

  static ServerThreads start(long pid) {
    return new ServerThreads(pid, pid > 0 ? sample(pid) : Map.of());
  }

  /** Busiest threads since {@link #start}: name → cores (CPU seconds per wall second). */
  Map<String, Double> busiest(double wallSeconds, int limit) {
    if (pid <= 0) return Map.of();
    Map<Integer, Sample> end = sample(pid);
    Map<Integer, String> names = javaThreadNames(pid);
    Map<String, Long> byName = new HashMap<>();
    end.forEach(
        (tid, s) -> {
          Sample before = start.get(tid);
          long delta = s.nanos() - (before == null ? 0 : before.nanos());
          if (delta <= 0) return;
          String name = names.getOrDefault(tid, "[native] " + s.comm());
          // pool threads differ only by a number: add them up
          byName.merge(name.replaceAll("\\d+", "N"), delta, Long::sum);
        });
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(byName.entrySet());
    sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
      out.put(e.getKey(), Math.round(e.getValue() / 1e9 / wallSeconds * 1000) / 1000.0);
    }
    return out;
  }

  private static Map<Integer, Sample> sample(long pid) {
    Map<Integer, Sample> out = new HashMap<>();
    try (DirectoryStream<Path> tasks =
        Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          int open = stat.indexOf('(');
          int close = stat.lastIndexOf(')');
          String[] f = stat.substring(close + 2).split(" ");
          long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
          out.put(
              Integer.parseInt(task.getFileName().toString()),
              new Sample(stat.substring(open + 1, close), ticks * NANOS_PER_TICK));
        } catch (IOException | RuntimeException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static Map<Integer, String> javaThreadNames(long pid) {
    Map<Integer, String> names = new HashMap<>();
    try {
      Process p =
          new ProcessBuilder("jcmd", Long.toString(pid), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String text;
      try (InputStream in = p.getInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      p.waitFor(30, TimeUnit.SECONDS);
      for (String line : text.split("\n")) {
        Matcher m = JSTACK_THREAD.matcher(line);
        if (!m.find()) continue;
        String nid = m.group(2);
        int tid =
            nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid);
        names.put(tid, m.group(1));
      }
    } catch (IOException e) {
      // no jcmd: kernel names only
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return names;
  }
}
