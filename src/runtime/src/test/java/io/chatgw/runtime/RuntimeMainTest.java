package io.chatgw.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
