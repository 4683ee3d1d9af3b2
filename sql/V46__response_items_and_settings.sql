-- OpenAI Responses chains carry items, not only text (docs/openai-api.md "POST /v1/responses"): a stored response
-- keeps its whole input as OpenAI chat messages (its messages, function_call items as an assistant's tool_calls,
-- function_call_output items as tool messages, references resolved), so a response continuing it with
-- previous_response_id is sent that input, then the answer with its tool calls, then its own input. user_message is
-- the input's own last user message ('' when the input had none, e.g. only function_call_output items). NULL: the
-- native form (a native or chat-completions turn: its user_message alone).
-- response_settings: the request's settings GET /v1/responses/{id} returns as sent (instructions, temperature,
-- top_p, max_output_tokens, tools, tool_choice, parallel_tool_calls, text, metadata, truncation, user); NULL for
-- other turns and responses stored before this migration (GET shows the defaults then).
ALTER TABLE conversation_turns
  ADD COLUMN input JSONB CHECK (input IS NULL OR jsonb_typeof(input) = 'array'),
  ADD COLUMN response_settings JSONB CHECK (response_settings IS NULL OR jsonb_typeof(response_settings) = 'object');
-- V41's context (the input's messages before its user message) becomes the first part of input
UPDATE conversation_turns
   SET input = context || jsonb_build_array(jsonb_build_object('role', 'user', 'content', user_message))
 WHERE context <> '[]'::jsonb;
ALTER TABLE conversation_turns DROP COLUMN context;
