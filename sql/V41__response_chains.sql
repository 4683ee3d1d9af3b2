-- OpenAI Responses chains on the conversation store (docs/openai-api.md "POST /v1/responses"): a turn answering
-- POST /v1/responses with previous_response_id names the turn it continues, and keeps the messages its input had
-- before the user's message (OpenAI chat messages, a JSON array), so a response continuing it later is sent the
-- whole chain. No foreign key: the turn continued may be in another session of the same caller (a fork of a busy
-- session), and a deleted session ends the chains through it there (their older turns are gone with it).
ALTER TABLE conversation_turns
  ADD COLUMN previous_request_id UUID,
  ADD COLUMN context JSONB NOT NULL DEFAULT '[]';
