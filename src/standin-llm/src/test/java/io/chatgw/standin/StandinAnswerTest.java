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
}
