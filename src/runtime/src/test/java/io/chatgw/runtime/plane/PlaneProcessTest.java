package io.chatgw.runtime.plane;

import static io.chatgw.runtime.plane.FakeGateway.await;
import static io.chatgw.runtime.plane.FakeGateway.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatgw.standin.StandinLlmOptions;
import io.chatgw.standin.StandinLlmServer;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@code RuntimeMain --mode=ws} as a child process, the way the gateway's launcher does. */
class PlaneProcessTest {

  @TempDir
  Path dir;

  @Test
  void runsFromTheCommandLineAndExitsWithStatus3OnExitAfter() throws Exception {
    Vertx vertx = Vertx.vertx();
    StandinLlmServer llm = await(StandinLlmServer.start(vertx, new StandinLlmOptions().setChunkDelayMs(1)));
    FakeGateway gateway = new FakeGateway(vertx).start();
    Path output = dir.resolve("plane.log");
    ProcessBuilder builder = new ProcessBuilder(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"),
        "io.chatgw.runtime.RuntimeMain",
        "--mode=ws",
        "--gateway-url=" + gateway.url(),
        "--vm-id=vm-process",
        "--data-dir=" + dir.resolve("data"),
        "--llm-base-url=" + llm.baseUrl(),
        "--backoff-base-ms=50"))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile());
    builder.environment().put("GATEWAY_VM_TOKEN", FakeGateway.TOKEN);
    Process process = builder.start();
    try {
      awaitTrue(() -> gateway.hellos.size() == 1 || !process.isAlive(), "the plane process to say hello");
      assertEquals("vm-process", gateway.hellos.get(0).getString("vm_id"), Files.readString(output));

      gateway.sendUserMessage("s1", "req-1", "Plain [[standin chunks=2]]");
      gateway.awaitTerminal("req-1");
      assertEquals("done", gateway.terminal("req-1").getString("event"));

      gateway.sendUserMessage("s1", "req-2", "Bye [[plane exit_after=2]] [[standin chunks=50 delay_ms=20]]");
      assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the plane process should exit");
      assertEquals(3, process.exitValue(), Files.readString(output));
      awaitTrue(() -> gateway.closes.size() == 1, "the gateway to notice");
      assertEquals("none", gateway.closes.get(0));
      assertTrue(Files.exists(dir.resolve("data").resolve(StateStore.FILE_NAME)));
    } finally {
      process.destroyForcibly();
      gateway.stop();
      await(llm.close());
      await(vertx.close());
    }
  }
}
