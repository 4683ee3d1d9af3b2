package io.chatgw.shadow;

import java.lang.management.ManagementFactory;
import java.util.function.DoubleSupplier;
import org.springframework.stereotype.Component;

/**
 * How busy the gateway's machine (its container, where the JVM sees cgroup limits) was over the last sample interval,
 * 0-1: the JVM's {@code OperatingSystemMXBean.getCpuLoad()}, read by the {@code shadow-cpu-sample} timer
 * (routes/shadow.yaml, every {@code gateway.shadow.cpu-sample-interval}), never on a request's thread. Negative until
 * the first sample, or where the JVM cannot tell.
 */
@Component("machineCpuLoad")
public class MachineCpuLoad implements DoubleSupplier {

    private final com.sun.management.OperatingSystemMXBean os =
            ManagementFactory.getPlatformMXBean(com.sun.management.OperatingSystemMXBean.class);
    private volatile double recent = -1;

    /** Reads the load since the previous sample (the bean's own accounting). */
    public void sample() {
        recent = os.getCpuLoad();
    }

    @Override
    public double getAsDouble() {
        return recent;
    }
}
