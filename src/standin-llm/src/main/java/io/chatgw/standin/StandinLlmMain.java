package io.chatgw.standin;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link StandinLlmServer} (a stand-in OpenAI-compatible LLM, NOT a model) as a program:
 * {@code java -jar standin-llm-exec.jar --port=N --chunks=N --delay-ms=N --api-key=K --model=M --host=H}.
 */
public final class StandinLlmMain {

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar standin-llm-exec.jar [options]",
      "A stand-in OpenAI-compatible LLM server for tests and benchmarks (not a model),",
      "also a stand-in MCP server (JSON-RPC 2.0) on POST /mcp.",
      "  --host=H        interface to listen on (default " + StandinLlmOptions.DEFAULT_HOST + ")",
      "  --port=N        port to listen on; 0 = random (default 0)",
      "  --chunks=N      content pieces per answer (default " + StandinLlmOptions.DEFAULT_CHUNKS + ")",
      "  --delay-ms=N    pause before each streamed piece (default "
          + StandinLlmOptions.DEFAULT_CHUNK_DELAY_MS + ")",
      "  --api-key=K     require 'Authorization: Bearer K' (default: accept any)",
      "  --model=M       model id (default " + StandinLlmOptions.DEFAULT_MODEL + ")");

  private StandinLlmMain() {
  }

  public static void main(String[] args) throws Exception {
    StandinLlmOptions options;
    try {
      options = parseArguments(args);
    } catch (HelpRequested e) {
      System.out.println(USAGE);
      return;
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    Vertx vertx = Vertx.vertx();
    StandinLlmServer server;
    try {
      server = StandinLlmServer.start(vertx, options)
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("error: could not start the stand-in LLM: " + e.getMessage());
      vertx.close();
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "standin-llm-shutdown"));
    System.out.println("stand-in LLM (not a model) listening on " + server.baseUrl()
        + " model=" + options.getModel() + " chunks=" + options.getChunks()
        + " delay-ms=" + options.getChunkDelayMs()
        + " api-key=" + (options.getApiKey() == null ? "none" : "required")
        + "; stand-in MCP server at " + server.baseUrl() + McpHandler.PATH);
  }

  /**
   * Parses {@code --key=value} arguments into options.
   *
   * @throws IllegalArgumentException for unknown options or bad values
   */
  static StandinLlmOptions parseArguments(String[] args) {
    StandinLlmOptions options = new StandinLlmOptions();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      String name = arg.substring(2, equals);
      String value = arg.substring(equals + 1);
      switch (name) {
        case "host":
          options.setHost(value);
          break;
        case "port":
          options.setPort(parseInt(name, value));
          break;
        case "chunks":
          options.setChunks(parseInt(name, value));
          break;
        case "delay-ms":
          options.setChunkDelayMs(parseInt(name, value));
          break;
        case "api-key":
          options.setApiKey(value);
          break;
        case "model":
          options.setModel(value);
          break;
        default:
          throw new IllegalArgumentException("unknown option --" + name);
      }
    }
    return options;
  }

  private static int parseInt(String name, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number: '" + value + "'");
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // shutting down anyway
    }
  }

  /** Thrown by {@link #parseArguments} for {@code --help}. */
  static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super(null, null, false, false);
    }
  }
}
