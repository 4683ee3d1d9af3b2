package io.chatgw.standin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StandinAnswerTest {

  @Test
  void contentIsAPureFunctionOfMessageAndChunks() {
    StandinAnswer answer = StandinAnswer.of("What is  the\nweather? [[standin fail=none]]", 4);
    assertEquals(4, answer.pieceCount());
    assertEquals("Stand-in reply to \"What is the weather?\":", answer.piece(0));
    assertEquals(" token-3", answer.piece(3));
    assertEquals("Stand-in reply to \"What is the weather?\": token-1 token-2 token-3", answer.content());
    assertEquals(answer.content(), StandinAnswer.of("What is  the\nweather? [[standin fail=none]]", 4).content());
  }

  @Test
  void singleChunkIsJustTheHead() {
    assertEquals("Stand-in reply to \"\":", StandinAnswer.of("", 1).content());
  }

  @Test
  void excerptKeepsTheFirstFortyCodePoints() {
    String longMessage = "0123456789".repeat(5);
    assertEquals("0123456789".repeat(4), StandinAnswer.excerpt(longMessage));
    String emoji = "\uD83D\uDE00".repeat(41);
    assertEquals("\uD83D\uDE00".repeat(40), StandinAnswer.excerpt(emoji));
  }

  @Test
  void theCaseVariantIsTheSameAnswerInUpperCaseAndTheWordsVariantOtherWordsInAsManyPieces() {
    StandinAnswer answer = StandinAnswer.of("hi [[standin alternate=case]]", 3);
    StandinAnswer upper = answer.alternated(StandinKnobs.Alternate.CASE, "hi [[standin alternate=case]]");
    assertEquals("STAND-IN REPLY TO \"HI\": TOKEN-1 TOKEN-2", upper.content());
    StandinAnswer words = answer.alternated(StandinKnobs.Alternate.WORDS, "hi [[standin alternate=words]]");
    assertEquals("Alternate answer on \"hi\": word-1 word-2", words.content());
    assertEquals(3, words.pieceCount());
    assertEquals(answer.finishReason(), words.finishReason());
  }

  @Test
  void aContinuationRequestGetsOnlyTheRestOfTheAnswerAfterTheAssistantsPrefix() throws Exception {
    StandinAnswer rest = StandinAnswer.of(request("go [[standin chunks=5]]",
        "Stand-in reply to \"go\": token-1 tok"), 5);
    assertEquals("en-2 token-3 token-4", rest.content());
    assertEquals(3, rest.pieceCount());
    assertEquals(" token-3", rest.piece(1));

    assertEquals("Stand-in reply to \"go\": token-1", StandinAnswer.of(request("go", "Not its start"), 2).content(),
        "an assistant message the answer does not start with is no prefix");
    assertEquals("", StandinAnswer.of(request("go", "Stand-in reply to \"go\": token-1"), 2).content(),
        "nothing left");
  }

  private static ChatCompletionRequest request(String user, String assistant) throws Exception {
    return ChatCompletionRequest.parse(io.vertx.core.buffer.Buffer.buffer(new io.vertx.core.json.JsonObject()
        .put("model", "m").put("messages", new io.vertx.core.json.JsonArray()
            .add(new io.vertx.core.json.JsonObject().put("role", "user").put("content", user))
            .add(new io.vertx.core.json.JsonObject().put("role", "assistant").put("content", assistant)))
        .encode()));
  }
}
