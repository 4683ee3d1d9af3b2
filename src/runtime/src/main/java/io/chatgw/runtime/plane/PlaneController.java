package io.chatgw.runtime.plane;

import io.chatgw.runtime.LlmChatClient;
import io.chatgw.runtime.LlmStreamListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The plane's protocol logic: handles the gateway's frames ({@code welcome}, {@code user_message},
 * {@code cancel}, {@code ack}, {@code ping}, {@code response}, {@code error}), runs one
 * {@link PlaneTurn} per session and routes their events through the {@link EventJournal}.
 * Used from the plane's event loop only, except {@link #connected()}.
 */
final class PlaneController implements GatewayLink.Listener, EventJournal.Sink, TurnHost {

  static final String PLANE_RESTARTED = "plane_restarted";

  private static final Logger LOG = Logger.getLogger(PlaneController.class.getName());

  private final PlaneOptions options;
  private final PlaneState state;
  private final StateStore store;
  private final LlmChatClient llm;
  private final Runnable exitAction;
  private final GatewayLink link;
  private final EventJournal journal;
  private final GatewayRequests requests;
  private final Map<String, PlaneTurn> turns = new HashMap<>();
  private final TurnHandovers handovers = new TurnHandovers();
  private final TurnCheckpoints checkpoints;
  private final List<Runnable> writableWaiters = new ArrayList<>();
  private static final long PRUNE_EVERY_MS = 60_000;

  private final Vertx vertx;
  private long pruneTimer = -1;
  private boolean ignorePings;
  private boolean stopped;

  /**
   * @param exitAction what {@code [[plane exit_after=N]]} does once its events are out
   */
  PlaneController(Vertx vertx, PlaneOptions options, PlaneState state, StateStore store,
      WebSocketClient webSocketClient, LlmChatClient llm, Runnable exitAction) {
    this.vertx = vertx;
    this.options = options;
    this.state = state;
    this.store = store;
    this.llm = llm;
    this.exitAction = exitAction;
    this.link = new GatewayLink(vertx, webSocketClient, options, this);
    this.journal = new EventJournal(state, store, options.getMaxUnackedPerSession(), this);
    this.requests = new GatewayRequests(vertx, link::sendWhenReady, options.getRequestTimeoutMs());
    this.checkpoints = new TurnCheckpoints(state, store);
  }

  void start() {
    link.start();
    pruneTimer = vertx.setPeriodic(PRUNE_EVERY_MS, ignored -> pruneIdleSessions());
  }

  /** Sessions unused for a while with no open turn leave the state file (it stays small and cheap to write). */
  private void pruneIdleSessions() {
    List<String> pruned = state.prune(System.nanoTime(), PlaneState.PRUNE_IDLE_NANOS, turns::containsKey);
    if (!pruned.isEmpty()) {
      pruned.forEach(journal::forget);
      store.saveSoon();
    }
  }

  boolean connected() {
    return link.connected();
  }

  void updateToken(String token) {
    link.updateToken(token);
  }

  /** Stops: interrupts the turns (they stay open in the state file) and closes the socket with 1000. */
  Future<Void> close() {
    stopTurns();
    return link.close();
  }

  /** Stops abruptly: interrupts the turns and drops the connection without a close frame. */
  void kill() {
    stopTurns();
    link.kill();
  }

  private void stopTurns() {
    stopped = true;
    vertx.cancelTimer(pruneTimer);
    new ArrayList<>(turns.values()).forEach(PlaneTurn::abandon);
    turns.clear();
    requests.failAll();
    writableWaiters.clear();
  }

  // ---- GatewayLink.Listener

  @Override
  public JsonObject hello() {
    return PlaneFrames.hello(options.getVmId(), state.lastDownlinkSeq, journal.ackedSeqs());
  }

  @Override
  public void onWelcome(JsonObject welcome) {
    Welcome parsed = Welcome.of(welcome, state);
    Map<String, String> running = parsed.running();
    handovers.clear();
    LOG.info("welcomed by the gateway as " + options.getVmId() + " (" + running.size() + " running turns)");
    for (PlaneTurn turn : new ArrayList<>(turns.values())) {
      if (!turn.requestId().equals(running.get(turn.sessionId()))) {
        LOG.info("the gateway no longer runs request " + turn.requestId() + "; stopping it");
        turn.abandon();
        turns.remove(turn.sessionId());
        checkpoints.close(turn.sessionId(), turn.requestId());
      }
    }
    state.closeTurnsNotIn(running); // the gateway ended those turns while this plane was away
    journal.onWelcome(parsed.lastSeqs());
    running.forEach((sessionId, requestId) -> {
      PlaneState.Session session = state.session(sessionId);
      if (!turns.containsKey(sessionId) && requestId.equals(session.openRequestId) && session.openTurn != null) {
        resume(sessionId, requestId, session);
      } else if (!turns.containsKey(sessionId) && requestId.equals(session.openRequestId)) {
        // a turn an earlier life started without a checkpoint: its events are resent, it cannot go on
        emit(sessionId, requestId, "error", new JsonObject().put("code", PLANE_RESTARTED)
            .put("message", "the execution plane restarted and lost this turn"));
      } else if (!turns.containsKey(sessionId) && session.openRequestId == null) {
        // no checkpoint of it in this plane's data (the volume is gone): its user_message comes again, run resumed
        handovers.expect(sessionId, requestId, session, parsed.listed().get(sessionId));
      }
    });
    signalWritable();
  }

  @Override
  public void onFrame(JsonObject frame) {
    Object type = frame.getValue("type");
    if (!(type instanceof String)) {
      return;
    }
    switch ((String) type) {
      case "ping":
        if (!ignorePings) {
          link.send(PlaneFrames.pong(frame.getValue("ts")));
        }
        break;
      case "ack":
        if (frame.getValue("session_id") instanceof String && frame.getValue("seq") instanceof Number) {
          journal.ack(frame.getString("session_id"), frame.getLong("seq"));
        }
        break;
      case "response":
        if (!requests.onResponse(frame)) {
          LOG.fine("a response for no waiting request: " + frame.getValue("id"));
        }
        break;
      case "user_message":
        onUserMessage(frame);
        break;
      case "cancel":
        onCancel(frame);
        break;
      case "error":
        if (!requests.onRefused(frame)) {
          LOG.info("the gateway did not accept a frame: " + frame.encode());
        }
        break;
      default:
        LOG.fine("ignoring a " + type + " frame");
    }
  }

  @Override
  public void onDisconnected() {
    if (!stopped) {
      LOG.info("lost the gateway connection; " + turns.size() + " turns wait for the reconnect");
    }
  }

  @Override
  public void onWritable() {
    signalWritable();
  }

  // ---- EventJournal.Sink

  @Override
  public boolean ready() {
    return link.ready();
  }

  @Override
  public void write(JsonObject frame) {
    link.send(frame);
  }

  @Override
  public void sent(JsonObject frame) {
    PlaneTurn turn = turns.get(frame.getString("session_id"));
    if (turn != null && turn.requestId().equals(frame.getValue("request_id"))) {
      turn.onSent(PlaneState.seqOf(frame));
    }
  }

  // ---- TurnHost

  @Override
  public long emit(String sessionId, String requestId, String event, JsonObject data) {
    if ("done".equals(event) || "error".equals(event)) {
      checkpoints.close(sessionId, requestId);
    }
    return journal.append(sessionId, requestId, event, data);
  }

  @Override
  public Future<JsonObject> request(String method, JsonObject params) {
    return requests.call(method, params);
  }

  @Override
  public LlmChatClient.LlmCall streamChat(JsonArray messages, JsonObject parameters, java.util.Map<String, String> headers,
      LlmStreamListener listener) {
    return llm.streamChat(messages, parameters, headers, listener);
  }

  @Override
  public Future<Void> after(long ms) {
    return vertx.timer(ms).mapEmpty();
  }

  @Override
  public void checkpointTools(String sessionId, String requestId, JsonArray outputs) {
    checkpoints.toolOutputs(sessionId, requestId, outputs);
  }

  @Override
  public String model() {
    return options.getModel();
  }

  @Override
  public boolean backedUp() {
    return !link.ready() || link.writeQueueFull();
  }

  @Override
  public void whenWritable(Runnable action) {
    if (!stopped) {
      writableWaiters.add(action);
    }
  }

  @Override
  public void finished(PlaneTurn turn, long doneSeq, String model, LlmStreamListener.LlmUsage usage) {
    PlaneState.Session session = state.session(turn.sessionId());
    session.turns++;
    store.save();
    JsonObject usageFrame = PlaneFrames.usage(turn.sessionId(), turn.requestId(), model, usage.promptTokens(),
        usage.completionTokens());
    JsonObject snapshot = PlaneFrames.snapshot(turn.sessionId(), turn.requestId(), doneSeq, turn.text(),
        session.turns);
    journal.whenSent(turn.sessionId(), doneSeq).onSuccess(ignored -> {
      link.sendWhenReady(usageFrame);
      link.sendWhenReady(snapshot);
    });
  }

  @Override
  public void ended(PlaneTurn turn) {
    turns.remove(turn.sessionId(), turn);
  }

  @Override
  public void blip() {
    link.blip();
  }

  @Override
  public void exit() {
    LOG.warning("[[plane exit_after]] reached: stopping abruptly");
    exitAction.run();
  }

  @Override
  public void ignorePings() {
    if (!ignorePings) {
      LOG.warning("[[plane ignore_pings=true]]: no longer answering pings");
    }
    ignorePings = true;
  }

  // ---- downlink

  private void onUserMessage(JsonObject frame) {
    if (!acceptDownlink(frame)) {
      return;
    }
    String sessionId = PlaneFrames.text(frame, "session_id");
    String requestId = PlaneFrames.text(frame, "request_id");
    if (sessionId == null || requestId == null) {
      LOG.warning("a user_message without session_id or request_id: " + frame.encode());
      return;
    }
    PlaneTurn previous = turns.get(sessionId);
    if (previous != null && previous.requestId().equals(requestId)) {
      store.save(); // redelivered while it runs (resumed from its checkpoint already): its downlink seq is kept
      return;
    }
    turns.remove(sessionId);
    if (previous != null) {
      previous.abandon();
    }
    long handedOver = handovers.claim(sessionId, requestId);
    PlaneState.Session session = checkpoints.open(sessionId, requestId, frame);
    if (handedOver > 0) {
      session.openTurn.put("first_seq", handedOver);
      session.checkpointChanged();
      store.save();
      resume(sessionId, requestId, session);
      return;
    }
    store.save(); // with the downlink seq: both or neither are on disk
    PlaneTurn turn;
    try {
      turn = PlaneTurn.ofUserMessage(this, sessionId, requestId, frame);
    } catch (PlaneTurn.Refused e) {
      emit(sessionId, requestId, "error", new JsonObject().put("code", e.code()).put("message", e.getMessage()));
      return;
    }
    turn.traceparent(session.openTurn.getString("traceparent")); // the plane's span, also on the LLM call
    turns.put(sessionId, turn);
    turn.start();
  }

  /** A turn an earlier life of this plane was running when it died: run again from its checkpoint. */
  private void resume(String sessionId, String requestId, PlaneState.Session session) {
    try {
      PlaneTurn turn = TurnCheckpoints.resume(this, sessionId, requestId, session);
      turns.put(sessionId, turn);
      turn.start();
    } catch (IllegalArgumentException e) {
      emit(sessionId, requestId, "error", new JsonObject().put("code", PLANE_RESTARTED).put("message", e.getMessage()));
    }
  }

  private void onCancel(JsonObject frame) {
    if (!acceptDownlink(frame)) {
      return;
    }
    String sessionId = PlaneFrames.text(frame, "session_id");
    String requestId = PlaneFrames.text(frame, "request_id");
    PlaneTurn turn = sessionId == null ? null : turns.get(sessionId);
    store.save();
    if (turn != null && (requestId == null || requestId.equals(turn.requestId()))) {
      turn.cancel();
    }
  }

  /** Skips a downlink frame processed before; otherwise records (and persists) its seq. */
  private boolean acceptDownlink(JsonObject frame) {
    Object seqValue = frame.getValue("seq");
    if (!(seqValue instanceof Number)) {
      return true;
    }
    long seq = ((Number) seqValue).longValue();
    if (seq <= state.lastDownlinkSeq) {
      LOG.fine("skipping downlink seq " + seq + " (processed up to " + state.lastDownlinkSeq + ")");
      return false;
    }
    state.lastDownlinkSeq = seq; // saved by the caller, with what the frame changes
    return true;
  }

  private void signalWritable() {
    List<Runnable> waiting = new ArrayList<>(writableWaiters);
    writableWaiters.clear();
    waiting.forEach(Runnable::run);
  }
}
