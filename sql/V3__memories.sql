-- Long-term memories of a user, searched by execution planes (memory_search) with PostgreSQL full-text search.
CREATE TABLE memories (
  id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id    VARCHAR(128) NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  content    TEXT NOT NULL CHECK (length(content) BETWEEN 1 AND 20000),
  tsv        TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_memories_tsv ON memories USING GIN (tsv);
CREATE INDEX idx_memories_user ON memories(user_id, created_at DESC);
