package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.chatgw.runtime.plane.PlaneOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeMainTest {

  @Test
  void parsesTheLegacyCommandLine() {
    RuntimeMain.CommandLine commandLine = RuntimeMain.parseArguments(new String[] {
        "--mode=legacy", "--port=8081", "--llm-base-url=http://127.0.0.1:1234/", "--model=m1"});
    assertEquals(RuntimeMode.LEGACY, commandLine.mode());
    assertEquals(8081, commandLine.options().getPort());
    assertEquals("http://127.0.0.1:1234", commandLine.options().getLlmBaseUrl());
    assertEquals("m1", commandLine.options().getModel());
    assertNull(commandLine.options().getLlmApiKey());
  }

  @Test
  void rejectsBadCommandLines() {
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(new String[] {"--port=1"}));
    assertThrows(IllegalArgumentException.class,
        () -> RuntimeMain.parseArguments(new String[] {"--mode=ws", "--llm-base-url=http://x"}));
    assertThrows(IllegalArgumentException.class,
        () -> RuntimeMain.parseArguments(new String[] {"--llm-base-url=ftp://x"}));
    assertThrows(IllegalArgumentException.class,
        () -> RuntimeMain.parseArguments(new String[] {"--llm-base-url=http://x", "--colour=red"}));
  }

  @Test
  void parsesTheWsCommandLine() {
    RuntimeMain.CommandLine commandLine = RuntimeMain.parseArguments(new String[] {
        "--mode=ws", "--gateway-url=ws://127.0.0.1:8081/ws/vm", "--token=abc", "--vm-id=vm-7",
        "--data-dir=/tmp/plane-7", "--llm-base-url=http://127.0.0.1:1234", "--llm-api-key=k", "--model=m2",
        "--token-in-query", "--backoff-base-ms=10", "--backoff-cap-ms=100", "--request-timeout-ms=500",
        "--llm-max-connections=32"});
    assertEquals(RuntimeMode.WS, commandLine.mode());
    assertNull(commandLine.options());
    PlaneOptions plane = commandLine.plane();
    assertEquals("ws://127.0.0.1:8081/ws/vm", plane.getGatewayUrl());
    assertEquals("abc", plane.getToken());
    assertEquals("vm-7", plane.getVmId());
    assertEquals("/tmp/plane-7", plane.getDataDir());
    assertEquals("http://127.0.0.1:1234", plane.getLlmBaseUrl());
    assertEquals("k", plane.getLlmApiKey());
    assertEquals("m2", plane.getModel());
    assertTrue(plane.isTokenInQuery());
    assertEquals(10, plane.getBackoffBaseMs());
    assertEquals(100, plane.getBackoffCapMs());
    assertEquals(500, plane.getRequestTimeoutMs());
    assertEquals(32, plane.getLlmMaxConnections());
  }

  @Test
  void aContainersPlaneTakesItsOptionsFromTheEnvironmentAndTheCommandLineWins() {
    Map<String, String> env = Map.of("GATEWAY_URL", "ws://127.0.0.1:9/ws/vm", "GATEWAY_VM_TOKEN", "t",
        "PLANE_VM_ID", "vm-env", "PLANE_LLM_BASE_URL", "http://127.0.0.1:7", "PLANE_DATA_DIR", "/data");
    PlaneOptions fromEnv = RuntimeMain.parseArguments(new String[] {"--mode=ws"}, env).plane();
    assertEquals("ws://127.0.0.1:9/ws/vm", fromEnv.getGatewayUrl());
    assertEquals("vm-env", fromEnv.getVmId());
    assertEquals("/data", fromEnv.getDataDir());
    assertEquals("http://127.0.0.1:7", fromEnv.getLlmBaseUrl());
    PlaneOptions given = RuntimeMain.parseArguments(new String[] {"--mode=ws", "--vm-id=vm-arg"}, env).plane();
    assertEquals("vm-arg", given.getVmId());
    assertThrows(IllegalArgumentException.class, // the legacy runtime does not read them
        () -> RuntimeMain.parseArguments(new String[] {"--mode=legacy"}, env));
  }

  @Test
  void takesTheTokenFromTheEnvironmentAndTheVmIdFromTheToken() {
    String payload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"sub\":\"u1\",\"vm_id\":\"vm-42\",\"roles\":[\"vm\"]}".getBytes(StandardCharsets.UTF_8));
    String token = "eyJhbGciOiJIUzI1NiJ9." + payload + ".c2ln";
    RuntimeMain.CommandLine commandLine = RuntimeMain.parseArguments(new String[] {
        "--mode=ws", "--gateway-url=ws://gw:8081/ws/vm", "--llm-base-url=http://llm"}, Map.of("GATEWAY_VM_TOKEN", token));
    PlaneOptions plane = commandLine.plane();
    assertEquals(token, plane.getToken());
    assertEquals("vm-42", plane.getVmId());
    assertEquals(Paths.get("plane-data", "vm-42").toString(), plane.getDataDir());
    assertFalse(plane.isTokenInQuery());
    assertEquals(PlaneOptions.DEFAULT_BACKOFF_BASE_MS, plane.getBackoffBaseMs());
    assertEquals(PlaneOptions.DEFAULT_LLM_MAX_CONNECTIONS, plane.getLlmMaxConnections());
  }

  @Test
  void rejectsBadWsCommandLines() {
    String[] base = {"--mode=ws", "--gateway-url=ws://gw/ws/vm", "--llm-base-url=http://llm"};
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(base, Map.of()));
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(base,
        Map.of("GATEWAY_VM_TOKEN", "not-a-jwt")));
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(new String[] {
        "--mode=ws", "--gateway-url=http://gw/ws/vm", "--token=t", "--vm-id=v", "--llm-base-url=http://llm"}));
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(new String[] {
        "--mode=ws", "--gateway-url=ws://gw/ws/vm", "--token=t", "--vm-id=v", "--llm-base-url=http://llm",
        "--port=1"}));
    assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(new String[] {
        "--llm-base-url=http://llm", "--gateway-url=ws://gw/ws/vm"}));
    for (String connections : new String[] {"0", "-1", "many", "4294967296"}) {
      assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(new String[] {
          "--mode=ws", "--gateway-url=ws://gw/ws/vm", "--token=t", "--vm-id=v", "--llm-base-url=http://llm",
          "--llm-max-connections=" + connections}), connections);
    }
  }

  @Test
  void theRehearseModeNeedsNoGatewayNorLlmAndTakesOnlyADataDir() {
    RuntimeMain.CommandLine commandLine = RuntimeMain.parseArguments(new String[] {"--mode=rehearse", "--data-dir=/tmp/r"});
    assertEquals(RuntimeMode.REHEARSE, commandLine.mode());
    assertEquals("/tmp/r", commandLine.plane().getDataDir());
    assertEquals(System.getProperty("java.io.tmpdir"),
        RuntimeMain.parseArguments(new String[] {"--mode=rehearse"}).plane().getDataDir());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RuntimeMain.parseArguments(
        new String[] {"--mode=rehearse", "--gateway-url=ws://gw/ws/vm"}));
    assertEquals("--gateway-url does not apply to --mode=rehearse", e.getMessage());
  }
}
