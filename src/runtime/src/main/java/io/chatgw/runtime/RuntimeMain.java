package io.chatgw.runtime;

import io.chatgw.runtime.plane.ExecutionPlane;
import io.chatgw.runtime.plane.PlaneClaim;
import io.chatgw.runtime.plane.PlaneOptions;
import io.chatgw.runtime.plane.PlaneRehearsal;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the reference runtime as a program:
 * <ul>
 *   <li>{@code java -jar reference-runtime-exec.jar --mode=legacy --port=N --llm-base-url=URL
 *       [--llm-api-key=K] [--model=M] [--host=H]}: the legacy HTTP + SSE runtime;</li>
 *   <li>{@code java -jar reference-runtime-exec.jar --mode=ws --gateway-url=ws://host:8081/ws/vm
 *       --token=JWT --vm-id=ID --data-dir=DIR --llm-base-url=URL [--llm-api-key=K] [--model=M]
 *       [--token-in-query]}: the execution plane ({@code --token} defaults to the environment
 *       variable {@value #TOKEN_ENV});</li>
 *   <li>{@code java -cp ... io.chatgw.runtime.RuntimeMain --mode=rehearse [--data-dir=DIR]}: a plane's rehearsal on
 *       its own, then exit: the training run of the plane's class archive.</li>
 * </ul>
 */
public final class RuntimeMain {

  static final String TOKEN_ENV = "GATEWAY_VM_TOKEN";

  private static final String USAGE = String.join(System.lineSeparator(),
      "usage: java -jar reference-runtime-exec.jar --mode=legacy --llm-base-url=URL [options]",
      "       java -jar reference-runtime-exec.jar --mode=ws --gateway-url=URL --token=JWT --llm-base-url=URL [options]",
      "       java -jar reference-runtime-exec.jar --mode=rehearse [--data-dir=D]",
      "  --mode=M             what to run: legacy (HTTP + SSE runtime), ws (execution plane) or rehearse (a plane's",
      "                       turns against in-process stand-ins, then exit: a class archive's training run);",
      "                       default legacy",
      "  --llm-base-url=U     OpenAI-compatible LLM, e.g. http://127.0.0.1:1234 (required)",
      "  --llm-api-key=K      API key for the LLM (default: none)",
      "  --model=M            model to ask the LLM for (default " + RuntimeOptions.DEFAULT_MODEL + ")",
      " legacy mode:",
      "  --host=H             interface to listen on (default " + RuntimeOptions.DEFAULT_HOST + ")",
      "  --port=N             port to listen on; 0 = random (default 0)",
      " ws mode (execution plane):",
      "  --gateway-url=U      the gateway's plane endpoint, e.g. ws://127.0.0.1:8081/ws/vm (required)",
      "  --token=T            VM token (JWT); default: $" + TOKEN_ENV + " (required)",
      "  --vm-id=ID           this plane's id (default: the token's vm_id claim)",
      "  --data-dir=D         directory of the plane's state file (default plane-data/<vm-id>)",
      "  --token-in-query     send the token as ?token= instead of an Authorization header",
      "  --parent-pid=N       exit when process N (the launching gateway) is gone",
      "  --claim-file=F       warm pool: wait for F ({vm_id, token}) before dialling; default $PLANE_CLAIM_FILE",
      "  --backoff-base-ms=N  reconnect backoff base (default " + PlaneOptions.DEFAULT_BACKOFF_BASE_MS + ")",
      "  --backoff-cap-ms=N   longest reconnect delay (default " + PlaneOptions.DEFAULT_BACKOFF_CAP_MS + ")",
      "  --request-timeout-ms=N  how long a request to the gateway may take (default "
          + PlaneOptions.DEFAULT_REQUEST_TIMEOUT_MS + ")",
      "  --llm-max-connections=N  most turns streaming from the LLM at once; more wait (default "
          + PlaneOptions.DEFAULT_LLM_MAX_CONNECTIONS + ")",
      " rehearse mode:",
      "  --data-dir=D         where the throwaway rehearsal dir is made (default: java.io.tmpdir)");

  private static final Set<String> COMMON_OPTIONS = Set.of("mode", "llm-base-url", "llm-api-key", "model");
  private static final Set<String> LEGACY_OPTIONS = Set.of("host", "port");
  private static final Set<String> WS_OPTIONS = Set.of("gateway-url", "token", "vm-id", "data-dir", "token-in-query",
      "backoff-base-ms", "backoff-cap-ms", "request-timeout-ms", "llm-max-connections", "parent-pid", "claim-file");
  /** The warm pool's claim file (a pool container's plane has no token nor vm_id until claimed). */
  static final String CLAIM_ENV = "PLANE_CLAIM_FILE";

  private RuntimeMain() {
  }

  /**
   * Parsed command line: the mode and its options.
   *
   * @param options the legacy runtime's options ({@code null} in ws mode)
   * @param plane   the execution plane's options ({@code null} in legacy mode)
   */
  record CommandLine(RuntimeMode mode, RuntimeOptions options, PlaneOptions plane) {
  }

  public static void main(String[] args) {
    CommandLine commandLine;
    try {
      commandLine = parseArguments(args, System.getenv());
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
    if (commandLine.mode() == RuntimeMode.REHEARSE) {
      rehearseAndExit(vertx, commandLine.plane());
      return;
    }
    try {
      String description = start(vertx, commandLine).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      System.out.println(description);
      exitWithParent(args);
    } catch (Exception e) {
      System.err.println("error: could not start the runtime: " + e.getMessage());
      closeQuietly(vertx, null);
      System.exit(1);
    }
  }

  /** {@code --mode=rehearse}: exits 0 when every turn completed (then {@code -XX:ArchiveClassesAtExit} writes). */
  private static void rehearseAndExit(Vertx vertx, PlaneOptions options) {
    int code;
    try {
      System.out.println(PlaneRehearsal.runAlone(vertx, options).toCompletionStage().toCompletableFuture()
          .get(PlaneRehearsal.TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS));
      code = 0;
    } catch (Exception e) {
      System.err.println("error: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
      code = 1;
    }
    closeQuietly(vertx, null);
    System.exit(code);
  }

  /** With --parent-pid, a plane launched by a gateway does not outlive it (no orphans after a crash). */
  private static void exitWithParent(String[] args) {
    for (String arg : args) {
      if (arg.startsWith("--parent-pid=")) {
        long pid = Long.parseLong(arg.substring("--parent-pid=".length()));
        Thread watcher = new Thread(() -> {
          while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            try {
              Thread.sleep(2_000);
            } catch (InterruptedException e) {
              return;
            }
          }
          System.err.println("parent process " + pid + " is gone: exiting");
          System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
      }
    }
  }

  /** Starts the selected mode; completes with a line describing what runs where. */
  private static Future<String> start(Vertx vertx, CommandLine commandLine) {
    switch (commandLine.mode()) {
      case LEGACY:
        RuntimeOptions options = commandLine.options();
        return LegacyRuntimeServer.start(vertx, options).map(server -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx, null), "runtime-shutdown"));
          return "legacy runtime listening on " + server.baseUrl() + " (LLM " + options.getLlmBaseUrl()
              + ", model " + options.getModel() + ")";
        });
      case WS:
        PlaneOptions plane = commandLine.plane();
        plane.setExitProcessOnExitAfter(true);
        if (plane.getClaimFile() != null) { // a warm pool plane: it starts once claimed, however long that takes
          Future<PlaneOptions> claim = PlaneClaim.await(vertx, plane.getClaimFile(), plane);
          Future<String> rehearsal = PlaneRehearsal.run(vertx, plane, claim); // warms the code a claimed plane runs
          claim.compose(claimed -> rehearsal.compose(ignored -> startPlane(vertx, claimed)))
              .onSuccess(System.out::println)
              .onFailure(e -> {
                System.err.println("error: could not start the claimed plane: " + e.getMessage());
                System.exit(1);
              });
          return Future.succeededFuture("warm pool plane waiting for a claim at " + plane.getClaimFile());
        }
        return startPlane(vertx, plane);
      default:
        return Future.failedFuture(new IllegalStateException("mode not implemented: " + commandLine.mode()));
    }
  }

  private static Future<String> startPlane(Vertx vertx, PlaneOptions plane) {
    return ExecutionPlane.start(vertx, plane).map(started -> {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(vertx, started), "plane-shutdown"));
      return "execution plane " + started.vmId() + " dialling " + plane.getGatewayUrl() + " (data dir "
          + started.dataDir() + ", LLM " + plane.getLlmBaseUrl() + ", model " + plane.getModel() + ")";
    });
  }

  /** Same as {@link #parseArguments(String[], Map)} without environment variables. */
  static CommandLine parseArguments(String[] args) {
    return parseArguments(args, Map.of());
  }

  /**
   * Parses {@code --name=value} arguments ({@code --token-in-query} also bare).
   *
   * @param env environment variables ({@value #TOKEN_ENV} supplies a missing {@code --token}; in ws mode
   *            {@link #PLANE_ENV} the other missing options)
   * @throws IllegalArgumentException for unknown options, bad values or missing required ones
   */
  /** Options of {@code --mode=ws} that an environment variable supplies when not given. */
  static final Map<String, String> PLANE_ENV = Map.of("gateway-url", "GATEWAY_URL", "vm-id", "PLANE_VM_ID",
      "llm-base-url", "PLANE_LLM_BASE_URL", "data-dir", "PLANE_DATA_DIR", "claim-file", CLAIM_ENV);

  static CommandLine parseArguments(String[] args, Map<String, String> env) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      if (arg.equals("--help") || arg.equals("-h")) {
        throw new HelpRequested();
      }
      if (arg.equals("--token-in-query")) {
        values.put("token-in-query", "true");
        continue;
      }
      int equals = arg.indexOf('=');
      if (!arg.startsWith("--") || equals < 0) {
        throw new IllegalArgumentException("expected --name=value, got '" + arg + "'");
      }
      values.put(arg.substring(2, equals), arg.substring(equals + 1));
    }
    RuntimeMode mode = RuntimeMode.fromFlag(values.getOrDefault("mode", RuntimeMode.LEGACY.flag()));
    if (mode == RuntimeMode.REHEARSE) { // no gateway nor LLM: the rehearsal brings its stand-ins
      for (String name : values.keySet()) {
        if (!name.equals("mode") && !name.equals("data-dir")) {
          throw new IllegalArgumentException("--" + name + " does not apply to --mode=rehearse");
        }
      }
      return new CommandLine(mode, null,
          new PlaneOptions().setDataDir(values.getOrDefault("data-dir", System.getProperty("java.io.tmpdir"))));
    }
    if (mode == RuntimeMode.WS) {
      // a container's plane is configured through its environment (docker launcher): a missing option comes from it
      PLANE_ENV.forEach((option, variable) -> {
        String value = env.get(variable);
        if (!values.containsKey(option) && value != null && !value.isBlank()) {
          values.put(option, value);
        }
      });
    }
    Set<String> allowed = mode == RuntimeMode.WS ? WS_OPTIONS : LEGACY_OPTIONS;
    for (String name : values.keySet()) {
      if (!COMMON_OPTIONS.contains(name) && !allowed.contains(name)) {
        boolean otherMode = LEGACY_OPTIONS.contains(name) || WS_OPTIONS.contains(name);
        throw new IllegalArgumentException(otherMode
            ? "--" + name + " does not apply to --mode=" + mode.flag()
            : "unknown option --" + name);
      }
    }
    if (values.get("llm-base-url") == null) {
      throw new IllegalArgumentException("--llm-base-url is required");
    }
    return mode == RuntimeMode.WS
        ? new CommandLine(mode, null, planeOptions(values, env))
        : new CommandLine(mode, legacyOptions(values), null);
  }

  private static RuntimeOptions legacyOptions(Map<String, String> values) {
    RuntimeOptions options = new RuntimeOptions().setLlmBaseUrl(values.get("llm-base-url"));
    if (values.containsKey("host")) {
      options.setHost(values.get("host"));
    }
    if (values.containsKey("port")) {
      options.setPort((int) parseNumber("port", values.get("port")));
    }
    if (values.containsKey("llm-api-key")) {
      options.setLlmApiKey(values.get("llm-api-key"));
    }
    if (values.containsKey("model")) {
      options.setModel(values.get("model"));
    }
    return options;
  }

  private static PlaneOptions planeOptions(Map<String, String> values, Map<String, String> env) {
    PlaneOptions options = new PlaneOptions().setLlmBaseUrl(values.get("llm-base-url"));
    String gatewayUrl = values.get("gateway-url");
    if (gatewayUrl == null) {
      throw new IllegalArgumentException("--gateway-url is required in ws mode");
    }
    options.setGatewayUrl(gatewayUrl);
    if (values.containsKey("claim-file")) { // warm pool: vm_id and token come with the claim
      options.setClaimFile(values.get("claim-file"));
      options.setDataDir(values.getOrDefault("data-dir", "plane-data/pool"));
      return otherPlaneOptions(options, values);
    }
    String token = values.get("token");
    if (token == null || token.isBlank()) {
      token = env.get(TOKEN_ENV);
    }
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("--token (or $" + TOKEN_ENV + ") is required in ws mode");
    }
    options.setToken(token);
    String vmId = values.get("vm-id");
    if (vmId == null) {
      vmId = VmTokenClaims.vmId(token);
      if (vmId == null) {
        throw new IllegalArgumentException("--vm-id is required (the token has no vm_id claim)");
      }
    }
    options.setVmId(vmId);
    options.setDataDir(values.getOrDefault("data-dir", Paths.get("plane-data", vmId).toString()));
    return otherPlaneOptions(options, values);
  }

  private static PlaneOptions otherPlaneOptions(PlaneOptions options, Map<String, String> values) {
    if (values.containsKey("llm-api-key")) {
      options.setLlmApiKey(values.get("llm-api-key"));
    }
    if (values.containsKey("model")) {
      options.setModel(values.get("model"));
    }
    if (values.containsKey("token-in-query")) {
      options.setTokenInQuery(parseFlag("token-in-query", values.get("token-in-query")));
    }
    if (values.containsKey("backoff-base-ms")) {
      options.setBackoffBaseMs(parseNumber("backoff-base-ms", values.get("backoff-base-ms")));
    }
    if (values.containsKey("backoff-cap-ms")) {
      options.setBackoffCapMs(parseNumber("backoff-cap-ms", values.get("backoff-cap-ms")));
    }
    if (values.containsKey("request-timeout-ms")) {
      options.setRequestTimeoutMs(parseNumber("request-timeout-ms", values.get("request-timeout-ms")));
    }
    if (values.containsKey("llm-max-connections")) {
      long connections = parseNumber("llm-max-connections", values.get("llm-max-connections"));
      if (connections > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("--llm-max-connections is too large: " + connections);
      }
      options.setLlmMaxConnections((int) connections);
    }
    return options;
  }

  private static long parseNumber(String name, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a whole number: '" + value + "'");
    }
  }

  private static boolean parseFlag(String name, String value) {
    switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException("--" + name + " must be true or false: '" + value + "'");
    }
  }

  private static void closeQuietly(Vertx vertx, ExecutionPlane plane) {
    try {
      if (plane != null) {
        plane.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      }
    } catch (Exception ignored) {
      // shutting down anyway
    }
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
