// The docs/openai-api.md "SDKs" examples, run for real against a gateway (Node >= 18). Not part of mvn verify:
//   mkdir /tmp/sdk && cd /tmp/sdk && npm init -y && npm install openai ai @ai-sdk/openai @ai-sdk/openai-compatible \
//       @langchain/openai @langchain/core zod && cp <repo>/bench/sdk-examples/examples.mjs .
//   GATEWAY_URL=http://localhost:8080/v1 GATEWAY_KEY=<a gateway API key or user JWT> node examples.mjs
// (ES module imports resolve from the script's folder, hence the copy.) The key's user picks the path: in the dev
// profile u-carol = direct_llm, u-alice = legacy, u-bob = new (curl 'localhost:8080/dev/token?sub=u-bob').
// Each example prints one line "ok <name>: ..." or "FAIL <name>: ..."; the exit code is the number of failures.
// Against the dev profile's stand-in LLM ([[standin ...]] directives make its answers deterministic).
import OpenAI from "openai";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText, generateObject, tool, jsonSchema, stepCountIs } from "ai";
import { ChatOpenAI } from "@langchain/openai";
import { z } from "zod";

const baseURL = process.env.GATEWAY_URL ?? "http://localhost:8080/v1";
const apiKey = process.env.GATEWAY_KEY;
if (!apiKey) {
  console.error("set GATEWAY_KEY (a gateway API key or a user JWT)");
  process.exit(2);
}
let failures = 0;
async function example(name, run) {
  try {
    const seen = await run();
    console.log(`ok ${name}: ${seen}`);
  } catch (e) {
    failures++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}
function expect(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
}
const weather = {
  type: "function",
  function: { name: "get_weather", description: "the weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

// --- openai (the official npm SDK) ---
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

await example("openai: completion, usage and request id", async () => {
  const r = await client.chat.completions.create({ model: "chat-gateway", max_tokens: 200,
    messages: [{ role: "user", content: "[[standin chunks=3]] hello" }] });
  expect(r.choices[0].message.content.startsWith("Stand-in reply"), "the stand-in's text");
  expect(r._request_id, "a request id");
  return `${JSON.stringify(r.choices[0].message.content)} request_id=${r._request_id}`;
});

await example("openai: streaming with include_usage", async () => {
  const stream = await client.chat.completions.create({ model: "chat-gateway", stream: true,
    stream_options: { include_usage: true }, messages: [{ role: "user", content: "[[standin chunks=4]] count" }] });
  let text = "", usage;
  for await (const chunk of stream) {
    text += chunk.choices[0]?.delta?.content ?? "";
    usage = chunk.usage ?? usage;
  }
  expect(usage?.completion_tokens === 4, "4 completion tokens");
  return `${JSON.stringify(text)} usage=${JSON.stringify(usage)}`;
});

await example("openai: tool call round trip (streamed helper, then the tool result)", async () => {
  const messages = [{ role: "user", content: "[[standin tool_call=get_weather]] weather in Oslo?" }];
  const runner = client.chat.completions.stream({ model: "chat-gateway", tools: [weather], messages });
  const first = await runner.finalChatCompletion();
  const call = first.choices[0].message.tool_calls?.[0];
  expect(first.choices[0].finish_reason === "tool_calls" && call?.function.name === "get_weather", "a get_weather call");
  const answer = await client.chat.completions.create({ model: "chat-gateway", tools: [weather],
    messages: [...messages, first.choices[0].message, { role: "tool", tool_call_id: call.id, content: "12 degrees" }] });
  expect(answer.choices[0].message.content.includes("12 degrees"), "the answer to quote the tool result");
  return `call ${call.id} ${call.function.arguments} -> ${JSON.stringify(answer.choices[0].message.content)}`;
});

await example("openai: structured output (chat.completions.parse, json_schema)", async () => {
  const r = await client.chat.completions.parse({ model: "chat-gateway", messages: [{ role: "user", content: "a city" }],
    response_format: { type: "json_schema", json_schema: { name: "city", strict: true, schema: {
      type: "object", properties: { city: { type: "string" }, population: { type: "integer" } },
      required: ["city", "population"], additionalProperties: false } } } });
  const parsed = r.choices[0].message.parsed;
  expect(typeof parsed?.city === "string" && typeof parsed?.population === "number", "a parsed object");
  return JSON.stringify(parsed);
});

await example("openai: logprobs", async () => {
  const r = await client.chat.completions.create({ model: "chat-gateway", logprobs: true, top_logprobs: 2,
    messages: [{ role: "user", content: "[[standin chunks=3]] hi" }] });
  const tokens = r.choices[0].logprobs?.content ?? [];
  expect(tokens.length === 3, "3 token logprobs");
  return tokens.map((t) => JSON.stringify(t.token)).join(" ");
});

await example("openai: rate limit is a RateLimitError with the request id", async () => {
  try {
    await client.chat.completions.create({ model: "chat-gateway",
      messages: [{ role: "user", content: "[[standin fail=http_429]] hi" }] });
  } catch (e) {
    const path = e.headers?.get?.("x-gateway-path");
    if (path !== "direct_llm") { // a runtime reports its LLM's 429 as its own failure: 502 runtime_error / llm_error
      expect(e.status === 502, "a 502 on the " + path + " path");
      return `(the ${path} path) status=${e.status} code=${e.code}`;
    }
    expect(e instanceof OpenAI.RateLimitError, "a RateLimitError");
    return `status=${e.status} code=${e.code} retry-after=${e.headers?.get?.("retry-after")} request_id=${e.requestID}`;
  }
  throw new Error("no error");
});

await example("openai: unknown model is a NotFoundError", async () => {
  try {
    await client.chat.completions.create({ model: "gpt-9", messages: [{ role: "user", content: "hi" }] });
  } catch (e) {
    expect(e instanceof OpenAI.NotFoundError && e.code === "model_not_found", "NotFoundError model_not_found");
    return `status=${e.status} code=${e.code}`;
  }
  throw new Error("no error");
});

await example("openai: models", async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  const one = await client.models.retrieve(ids[0]);
  return `${ids.join(",")} / retrieve ${one.id}`;
});

// --- openai: the Responses API ---
const weatherFn = { type: "function", name: "get_weather", description: "the weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] }, strict: false };

await example("openai: responses.create and responses.retrieve with its settings", async () => {
  const r = await client.responses.create({ model: "chat-gateway", instructions: "be brief", temperature: 0.3,
    top_p: 0.9, max_output_tokens: 64, metadata: { ticket: "T-7" }, input: "[[standin chunks=3]] hello" });
  expect(r.output_text.startsWith("Stand-in reply"), "the stand-in's text (output_text)");
  const got = await client.responses.retrieve(r.id);
  for (const field of ["instructions", "temperature", "top_p", "max_output_tokens", "metadata", "output_text"]) {
    expect(JSON.stringify(got[field]) === JSON.stringify(r[field]), `${field} as created (${JSON.stringify(got[field])})`);
  }
  return `${r.id} ${JSON.stringify(r.output_text)} retrieved instructions=${got.instructions} temperature=${got.temperature}`;
});

await example("openai: responses.stream (finalResponse)", async () => {
  const stream = client.responses.stream({ model: "chat-gateway", input: "[[standin chunks=4]] count" });
  let deltas = "";
  stream.on("response.output_text.delta", (e) => { deltas += e.delta; });
  const final = await stream.finalResponse();
  expect(final.output_text === deltas && final.usage?.output_tokens === 4, "the deltas and 4 output tokens");
  return JSON.stringify(final.output_text);
});

await example("openai: item_reference to a stored response's message and function call", async () => {
  const hello = await client.responses.create({ model: "chat-gateway", input: "hi" });
  const echoed = await client.responses.create({ model: "chat-gateway", input: [{ role: "user", content: "hi" },
    { type: "item_reference", id: hello.output[0].id }, { role: "user", content: "[[standin echo_messages]] again" }] });
  const received = JSON.parse(echoed.output_text);
  expect(received[1].role === "assistant" && received[1].content === hello.output_text, "the referenced message");
  const called = await client.responses.create({ model: "chat-gateway", tools: [weatherFn],
    input: "[[standin tool_call=get_weather]] weather in Oslo?" });
  const call = called.output[0];
  const answer = await client.responses.create({ model: "chat-gateway", tools: [weatherFn], input: [
    { role: "user", content: "weather in Oslo?" }, { type: "item_reference", id: call.id },
    { type: "function_call_output", call_id: call.call_id, output: "12 degrees" }] });
  expect(answer.output_text.includes("12 degrees"), "the answer to quote the tool result");
  return `msg ${hello.output[0].id} -> ${received.map((m) => m.role).join(",")}; fc ${call.id} -> ${JSON.stringify(answer.output_text)}`;
});

await example("openai: tool loop over previous_response_id (only the function_call_output sent)", async () => {
  const called = await client.responses.create({ model: "chat-gateway", tools: [weatherFn],
    input: "[[standin tool_call=get_weather]] [[standin echo_messages]] weather in Oslo?" });
  const call = called.output.find((o) => o.type === "function_call");
  expect(call?.name === "get_weather", "a get_weather call");
  const answer = await client.responses.create({ model: "chat-gateway", tools: [weatherFn],
    previous_response_id: called.id, input: [{ type: "function_call_output", call_id: call.call_id, output: "12 degrees" }] });
  const received = JSON.parse(answer.output_text);
  expect(received.map((m) => m.role).join(",") === "user,assistant,tool", "the LLM to get the call and its output");
  expect(received[1].tool_calls[0].id === call.call_id && received[2].content === "12 degrees", "the call and output");
  const next = await client.responses.create({ model: "chat-gateway", previous_response_id: answer.id,
    input: "[[standin echo_messages]] and tomorrow?" });
  const chain = JSON.parse(next.output_text).map((m) => m.role).join(",");
  expect(chain === "user,assistant,tool,assistant,user", "the whole chain on the third step");
  return `${call.call_id} -> LLM got ${received.map((m) => m.role).join(",")}; third step got ${chain}`;
});

// --- Vercel AI SDK: the chat completions model (the default openai(...) model calls /v1/responses) ---
const gw = createOpenAI({ baseURL, apiKey });
const compatible = createOpenAICompatible({ name: "chat-gateway", baseURL, apiKey, includeUsage: true });

await example("ai-sdk: generateText with openai.chat(...)", async () => {
  const { text, usage, finishReason } = await generateText({ model: gw.chat("chat-gateway"),
    prompt: "[[standin chunks=3]] hello", maxRetries: 0 });
  expect(text.startsWith("Stand-in reply"), "the stand-in's text");
  return `${JSON.stringify(text)} finish=${finishReason} usage=${JSON.stringify(usage)}`;
});

await example("ai-sdk: streamText with @ai-sdk/openai-compatible", async () => {
  const result = streamText({ model: compatible("chat-gateway"), prompt: "[[standin chunks=4]] count", maxRetries: 0 });
  let text = "";
  for await (const part of result.textStream) text += part;
  expect(text.startsWith("Stand-in reply"), "streamed text");
  return `${JSON.stringify(text)} usage=${JSON.stringify(await result.usage)}`;
});

await example("ai-sdk: tool call (generateText with a tool, no execute)", async () => {
  const { toolCalls, finishReason } = await generateText({ model: gw.chat("chat-gateway"), maxRetries: 0,
    prompt: "[[standin tool_call=get_weather]] weather in Oslo?",
    tools: { get_weather: tool({ description: "the weather in a city",
      inputSchema: jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }) }) } });
  expect(finishReason === "tool-calls" && toolCalls[0]?.toolName === "get_weather", "a get_weather call");
  return `${toolCalls[0].toolName} ${JSON.stringify(toolCalls[0].input)}`;
});

await example("ai-sdk: generateObject (json_schema)", async () => {
  const { object } = await generateObject({ model: gw.chat("chat-gateway"), maxRetries: 0, prompt: "a city",
    schema: z.object({ city: z.string(), population: z.number().int() }) });
  expect(typeof object.city === "string", "an object");
  return JSON.stringify(object);
});

await example("ai-sdk: default gw(...) model (Responses API), a tool that runs, two steps", async () => {
  const bodies = []; // what the AI SDK sends: its second step refers to the stored function call (store: true)
  const recording = createOpenAI({ baseURL, apiKey, fetch: async (url, init) => {
    bodies.push(JSON.parse(init.body));
    return fetch(url, init);
  } });
  const { text, steps } = await generateText({ model: recording("chat-gateway"), maxRetries: 0, stopWhen: stepCountIs(2),
    prompt: "[[standin tool_call=get_weather]] weather in Oslo?",
    tools: { get_weather: tool({ description: "the weather in a city",
      inputSchema: jsonSchema({ type: "object", properties: { city: { type: "string" } }, required: ["city"] }),
      execute: async ({ city }) => `12 degrees in ${city}` }) } });
  expect(steps.length === 2 && text.includes("12 degrees in stand-in"), "a second step quoting the tool's result");
  const second = bodies[1]?.input?.map((i) => i.type ?? i.role).join(",");
  return `${steps.length} steps, second input ${second} -> ${JSON.stringify(text)}`;
});

// --- LangChain JS ---
const llm = new ChatOpenAI({ model: "chat-gateway", apiKey, maxRetries: 0, configuration: { baseURL } });

await example("langchain: invoke", async () => {
  const msg = await llm.invoke("[[standin chunks=3]] hello");
  expect(String(msg.content).startsWith("Stand-in reply"), "the stand-in's text");
  return `${JSON.stringify(msg.content)} usage=${JSON.stringify(msg.usage_metadata)}`;
});

await example("langchain: stream", async () => {
  let text = "";
  for await (const chunk of await llm.stream("[[standin chunks=4]] count")) text += chunk.content;
  expect(text.startsWith("Stand-in reply"), "streamed text");
  return JSON.stringify(text);
});

await example("langchain: bindTools", async () => {
  const msg = await llm.bindTools([weather]).invoke("[[standin tool_call=get_weather]] weather in Oslo?");
  expect(msg.tool_calls?.[0]?.name === "get_weather", "a get_weather call");
  return JSON.stringify(msg.tool_calls[0]);
});

await example("langchain: withStructuredOutput (jsonSchema)", async () => {
  const structured = llm.withStructuredOutput(z.object({ city: z.string(), population: z.number() }),
    { name: "city", method: "jsonSchema" });
  const out = await structured.invoke("a city");
  expect(typeof out.city === "string", "an object");
  return JSON.stringify(out);
});

process.exit(failures);
