package io.chatgw.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference runtime as a program:
 * {@code java -jar reference-runtime-exec.jar --mode=legacy --port=N --llm-base-url=URL
 * [--llm-api-key=K] [--model=M] [--host=H]}.
 */
public final class RuntimeMain {

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar reference-runtime-exec.jar --mode=legacy --llm-base-url=URL [options]",
      "  --mode=M          what to run: legacy (default legacy)",
      "  --host=H          interface to listen on (default " + RuntimeOptions.DEFAULT_HOST + ")",
      "  --port=N          port to listen on; 0 = random (default 0)",
      "  --llm-base-url=U  OpenAI-compatible LLM, e.g. http://127.0.0.1:1234 (required)",
      "  --llm-api-key=K   API key for the LLM (default: none)",
      "  --model=M         model to ask the LLM for (default " + RuntimeOptions.DEFAULT_MODEL + ")");

  private RuntimeMain() {
  }

  /** Parsed command line: the mode and the runtime options. */
  record CommandLine(RuntimeMode mode, RuntimeOptions options) {
  }

  public static void main(String[] args) {
    CommandLine commandLine;
    try {
      commandLine = parseArguments(args);
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
    try {
      String description = start(vertx, commandLine).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx), "runtime-shutdown"));
      System.out.println(description);
    } catch (Exception e) {
      System.err.println("error: could not start the runtime: " + e.getMessage());
      closeQuietly(vertx);
      System.exit(1);
    }
  }

  /** Starts the selected mode; completes with a line describing what runs where. */
  private static Future<String> start(Vertx vertx, CommandLine commandLine) {
    RuntimeOptions options = commandLine.options();
    switch (commandLine.mode()) {
      case LEGACY:
        return LegacyRuntimeServer.start(vertx, options).map(server ->
            "legacy runtime listening on " + server.baseUrl() + " (LLM " + options.getLlmBaseUrl()
                + ", model " + options.getModel() + ")");
      default:
        return Future.failedFuture(new IllegalStateException("mode not implemented: " + commandLine.mode()));
    }
  }

  /**
   * Parses {@code --name=value} arguments.
   *
   * @throws IllegalArgumentException for unknown options, bad values or a missing LLM URL
   */
  static CommandLine parseArguments(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      values.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    RuntimeMode mode = RuntimeMode.fromFlag(values.getOrDefault("mode", RuntimeMode.LEGACY.flag()));
    RuntimeOptions options = new RuntimeOptions();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String value = entry.getValue();
      switch (entry.getKey()) {
        case "mode":
          break;
        case "host":
          options.setHost(value);
          break;
        case "port":
          options.setPort(parsePort(value));
          break;
        case "llm-base-url":
          options.setLlmBaseUrl(value);
          break;
        case "llm-api-key":
          options.setLlmApiKey(value);
          break;
        case "model":
          options.setModel(value);
          break;
        default:
          throw new IllegalArgumentException("unknown option --" + entry.getKey());
      }
    }
    if (options.getLlmBaseUrl() == null) {
      throw new IllegalArgumentException("--llm-base-url is required");
    }
    return new CommandLine(mode, options);
  }

  private static int parsePort(String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port must be a whole number: '" + value + "'");
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
