-- Each session's conversation (docs/chat-api.md "Conversations"): one row per turn, the user's message and the
-- assistant's final answer, written once the turn ended (off the client's path). A failed turn keeps the user's
-- message (status 'failed', answer = what had streamed, error_code). The path that answered, and the tool calls
-- and results it streamed (a JSON array of {type, data}), are kept with it. Deleted with the session;
-- usage_records keep their rows (no foreign key to sessions).
CREATE TABLE conversation_turns (
  request_id   UUID PRIMARY KEY,
  session_id   UUID NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
  started_at   TIMESTAMPTZ NOT NULL,
  user_message TEXT NOT NULL,
  answer       TEXT NOT NULL DEFAULT '',
  status       VARCHAR(20) NOT NULL CHECK (status IN ('completed', 'failed')),
  path         VARCHAR(20) NOT NULL CHECK (path IN ('legacy', 'new', 'direct_llm')),
  error_code   VARCHAR(64),
  tools        JSONB NOT NULL DEFAULT '[]',
  -- tokens of user_message + answer in gateway.conversations.encoding, counted by the writer (not per load);
  -- NULL: count when loading (e.g. the encoding changed)
  tokens       INTEGER CHECK (tokens >= 0),
  encoding     VARCHAR(32),
  ended_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- the history a turn loads (newest first, LIMIT max-turns) and the messages page (oldest first, after a cursor)
CREATE INDEX idx_conversation_turns_session ON conversation_turns(session_id, started_at, request_id);
-- GET /api/v1/sessions: the caller's sessions, newest first, paged with a cursor
CREATE INDEX idx_sessions_user_listing ON sessions(user_id, created_at DESC, id DESC) WHERE NOT ephemeral;
