package io.chatgw.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CpuMeterTest {

  @Test
  void parsesProcStatLine() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    assertArrayEquals(new long[] {100 + 2 + 30 + 5 + 6 + 7, 100 + 2 + 30 + 400 + 9 + 5 + 6 + 7, 5 + 6},
        CpuMeter.parseCpuLine("cpu  100 2 30 400 9 5 6 7 0 0"));
  }

  @Test
  void parsesProcPidStatWithSpacesAndParensInTheName() {
    String stat = "4242 (java (main) x) S 17 4242 17 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0 123 0 0";
    assertArrayEquals(new long[] {17, 300}, CpuMeter.parseStat(stat));
  }

  @Test
  void sumsAProcessTree() {
    CpuMeter.ProcTable table = new CpuMeter.ProcTable();
    table.add(10, "10 (root) S 1 0 0 0 0 0 0 0 0 0 5 5 0 0 0 0 0 0 0");
    table.add(11, "11 (child) S 10 0 0 0 0 0 0 0 0 0 1 1 0 0 0 0 0 0 0");
    table.add(12, "12 (grandchild) S 11 0 0 0 0 0 0 0 0 0 3 0 0 0 0 0 0 0 0");
    table.add(20, "20 (other) S 1 0 0 0 0 0 0 0 0 0 100 0 0 0 0 0 0 0 0");
    assertEquals(15, table.treeTicks(10));
    assertEquals(5, table.treeTicks(11));
    assertEquals(100, table.treeTicks(20));
  }

  @Test
  void saturationThresholds() {
    assertEquals(true, new CpuMeter.Usage(1, 0.9, 0.85, 0.5, java.util.Map.of(), 0).clientSaturated());
    assertEquals(false, new CpuMeter.Usage(1, 0.9, 0.5, 0.5, java.util.Map.of(), 0).clientSaturated());
    assertEquals(true, new CpuMeter.Usage(1, 0.9, 0.5, 0.95, java.util.Map.of(), 0).machineSaturated());
  }
}
