-- Why the LLM stopped a completed turn's answer (finish_reason as the path reported it, validated [a-z_]{1,32}:
-- 'stop', 'length', 'tool_calls', 'content_filter'): GET /v1/responses/{id} shows a response cut at
-- max_output_tokens as incomplete, as its create call did. NULL: not reported, failed, or stored before this.
ALTER TABLE conversation_turns
  ADD COLUMN finish_reason VARCHAR(32) CHECK (finish_reason IS NULL OR finish_reason ~ '^[a-z_]{1,32}$');
