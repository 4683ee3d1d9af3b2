package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class StandinLlmMainTest {

  @Test
  void parsesEveryOption() {
    StandinLlmOptions options = StandinLlmMain.parseArguments(new String[] {
        "--port=1234", "--chunks=3", "--delay-ms=0", "--api-key=k", "--model=m", "--host=0.0.0.0"});
    assertEquals(1234, options.getPort());
    assertEquals(3, options.getChunks());
    assertEquals(0, options.getChunkDelayMs());
    assertEquals("k", options.getApiKey());
    assertEquals("m", options.getModel());
    assertEquals("0.0.0.0", options.getHost());
  }

  @Test
  void rejectsUnknownOrBadOptions() {
    assertThrows(IllegalArgumentException.class, () -> StandinLlmMain.parseArguments(new String[] {"--colour=red"}));
    assertThrows(IllegalArgumentException.class, () -> StandinLlmMain.parseArguments(new String[] {"--port=x"}));
    assertThrows(IllegalArgumentException.class, () -> StandinLlmMain.parseArguments(new String[] {"--chunks=0"}));
    assertThrows(IllegalArgumentException.class, () -> StandinLlmMain.parseArguments(new String[] {"port=1"}));
  }
}
