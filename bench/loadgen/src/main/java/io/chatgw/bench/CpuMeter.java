package io.chatgw.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU use over an interval: this process (the load generator), its busiest event-loop thread, the
 * whole machine (/proc/stat) and named process trees (a pid and all its descendants, /proc/PID/stat).
 */
final class CpuMeter {

  /** Event-loop threads: one of them at ~100% means the client itself is the bottleneck. */
  private static final String LOOP_PREFIX = "vert.x-eventloop-thread";
  static final int CORES = Runtime.getRuntime().availableProcessors();

  private final Map<String, Long> processes;
  private final long ticksPerSecond;
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  /** A point in time. */
  record Snapshot(long wallNanos, long processCpuNanos, Map<Long, Long> loopCpuNanos, long machineBusyTicks,
      long machineTotalTicks, long machineIrqTicks, Map<String, Long> processTicks) {
  }

  /**
   * Use between two snapshots.
   *
   * @param loadgenCores   CPU of the load generator process, in cores (1.0 = one core all the time)
   * @param loopBusiest    the busiest event-loop thread's share of one core
   * @param machineBusy    share of all the machine's cores that were busy
   * @param processCores   CPU of each named process tree, in cores
   */
  record Usage(double seconds, double loadgenCores, double loopBusiest, double machineBusy,
      Map<String, Double> processCores, double otherCores) {

    static final Usage NONE = new Usage(0, 0, 0, 0, Map.of(), 0);


    boolean clientSaturated() {
      return loopBusiest >= 0.8;
    }

    boolean machineSaturated() {
      return machineBusy >= 0.9;
    }
  }

  CpuMeter(Map<String, Long> processes) {
    this.processes = new LinkedHashMap<>(processes);
    this.ticksPerSecond = clockTicks();
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /**
   * Waits until the started processes are (nearly) idle, e.g. a gateway still finishing the turns of a
   * previous cell whose clients went away: at most {@code maxSeconds}.
   *
   * @return seconds waited
   */
  double waitQuiet(double thresholdCores, double maxSeconds) throws InterruptedException {
    long start = System.nanoTime();
    while (true) {
      long t0 = System.nanoTime();
      long before = sumTicks();
      Thread.sleep(500);
      double cores = (sumTicks() - before) / (double) ticksPerSecond / ((System.nanoTime() - t0) / 1e9);
      double waited = (System.nanoTime() - start) / 1e9;
      if (cores < thresholdCores || waited >= maxSeconds || processes.isEmpty()) {
        return waited;
      }
    }
  }

  private long sumTicks() {
    ProcTable table = ProcTable.read();
    long sum = 0;
    for (long pid : processes.values()) {
      sum += table.treeTicks(pid);
    }
    return sum;
  }

  Snapshot take() {
    Map<Long, Long> loops = new HashMap<>();
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(LOOP_PREFIX)) {
        loops.put(info.getThreadId(), threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    long[] machine = machineTicks();
    Map<String, Long> trees = new LinkedHashMap<>();
    if (!processes.isEmpty()) {
      ProcTable table = ProcTable.read();
      processes.forEach((name, pid) -> trees.put(name, table.treeTicks(pid)));
    }
    return new Snapshot(System.nanoTime(), os.getProcessCpuTime(), loops, machine[0], machine[1], machine[2], trees);
  }

  Usage between(Snapshot a, Snapshot b) {
    double seconds = (b.wallNanos() - a.wallNanos()) / 1e9;
    if (seconds <= 0) {
      return Usage.NONE;
    }
    double loadgen = (b.processCpuNanos() - a.processCpuNanos()) / 1e9 / seconds;
    double busiest = 0;
    for (Map.Entry<Long, Long> e : b.loopCpuNanos().entrySet()) {
      long before = a.loopCpuNanos().getOrDefault(e.getKey(), 0L);
      busiest = Math.max(busiest, (e.getValue() - before) / 1e9 / seconds);
    }
    long total = b.machineTotalTicks() - a.machineTotalTicks();
    double machine = total <= 0 ? 0 : (double) (b.machineBusyTicks() - a.machineBusyTicks()) / total;
    Map<String, Double> cores = new LinkedHashMap<>();
    b.processTicks().forEach((name, ticks) -> {
      long before = a.processTicks().getOrDefault(name, ticks);
      cores.put(name, Math.max(0, ticks - before) / (double) ticksPerSecond / seconds);
    });
    double known = loadgen;
    for (double c : cores.values()) {
      known += c;
    }
    // interrupt time (loopback networking is mostly softirq) belongs to no process: not "other programs"
    double irq = total <= 0 ? 0 : (double) (b.machineIrqTicks() - a.machineIrqTicks()) / total * CORES;
    double other = Math.max(0, machine * CORES - irq - known);
    return new Usage(seconds, loadgen, busiest, machine, cores, other);
  }

  /** {busy, total, irq + softirq} jiffies of all CPUs from the first line of /proc/stat. */
  static long[] machineTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      return parseCpuLine(first);
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0, 0};
    }
  }

  /** Parses "cpu  user nice system idle iowait irq softirq steal ..." into {busy, total, irq + softirq}. */
  static long[] parseCpuLine(String line) {
    String[] f = line.trim().split("\\s+");
    long total = 0;
    long idle = 0;
    long irq = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i == 4 || i == 5) {
        idle += v;
      }
      if (i == 6 || i == 7) {
        irq += v;
      }
    }
    return new long[] {total - idle, total, irq};
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (Exception e) {
      return 100;
    }
  }

  /** The machine's processes at one moment: parent and CPU ticks of each. */
  static final class ProcTable {
    private final Map<Long, Long> parent = new HashMap<>();
    private final Map<Long, Long> ticks = new HashMap<>();

    static ProcTable read() {
      ProcTable table = new ProcTable();
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars()
          .allMatch(Character::isDigit))) {
        for (Path dir : dirs) {
          try {
            table.add(Long.parseLong(dir.getFileName().toString()), Files.readString(dir.resolve("stat")));
          } catch (IOException | RuntimeException gone) {
            // the process ended meanwhile
          }
        }
      } catch (IOException e) {
        // no /proc: no process figures
      }
      return table;
    }

    void add(long pid, String stat) {
      long[] parsed = parseStat(stat);
      parent.put(pid, parsed[0]);
      ticks.put(pid, parsed[1]);
    }

    /** utime + stime of {@code root} and every live descendant. */
    long treeTicks(long root) {
      long sum = 0;
      for (Map.Entry<Long, Long> e : ticks.entrySet()) {
        if (isDescendantOrSelf(e.getKey(), root)) {
          sum += e.getValue();
        }
      }
      return sum;
    }

    private boolean isDescendantOrSelf(long pid, long root) {
      long p = pid;
      for (int depth = 0; depth < 64 && p > 0; depth++) {
        if (p == root) {
          return true;
        }
        Long up = parent.get(p);
        if (up == null) {
          return false;
        }
        p = up;
      }
      return false;
    }
  }

  /** {ppid, utime + stime} from the text of /proc/PID/stat (the command may contain spaces and parens). */
  static long[] parseStat(String stat) {
    int close = stat.lastIndexOf(')');
    String[] f = stat.substring(close + 2).trim().split(" ");
    // f[0] = state (field 3), f[1] = ppid (4), f[11] = utime (14), f[12] = stime (15)
    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
  }
}
