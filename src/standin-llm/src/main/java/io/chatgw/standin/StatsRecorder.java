package io.chatgw.standin;

import java.util.concurrent.atomic.AtomicLong;

/** Thread-safe counters behind {@link StandinLlmStats}. */
final class StatsRecorder {

  private final AtomicLong chatRequests = new AtomicLong();
  private final AtomicLong streamedResponses = new AtomicLong();
  private final AtomicLong injectedFailures = new AtomicLong();

  void chatRequestReceived() {
    chatRequests.incrementAndGet();
  }

  void streamStarted() {
    streamedResponses.incrementAndGet();
  }

  void failureInjected() {
    injectedFailures.incrementAndGet();
  }

  StandinLlmStats snapshot() {
    return new StandinLlmStats(chatRequests.get(), streamedResponses.get(), injectedFailures.get());
  }
}
