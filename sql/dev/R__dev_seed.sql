-- Dev seed data (profile `dev` only). Fixed ids, listed in the README.
INSERT INTO organizations (id, name, execution_mode) VALUES
  ('org-acme',   'Acme (no override)',           NULL),
  ('org-globex', 'Globex (override: direct_llm)', 'direct_llm')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, execution_mode = EXCLUDED.execution_mode;

INSERT INTO users (id, org_id, display_name, execution_mode) VALUES
  ('u-alice',  'org-acme',   'Alice (legacy)',     'legacy'),
  ('u-bob',    'org-acme',   'Bob (new)',          'new'),
  ('u-carol',  'org-acme',   'Carol (direct_llm)', 'direct_llm'),
  ('u-dave',   'org-acme',   'Dave (no mode)',     NULL),
  ('u-erin',   'org-globex', 'Erin (legacy, org overrides)', 'legacy'),
  ('u-admin',  'org-acme',   'Admin',              NULL),
  ('u-frank',  'org-acme',   'Frank (legacy)',     'legacy'),
  ('u-grace',  'org-acme',   'Grace (new)',        'new'),
  ('u-heidi',  'org-globex', 'Heidi (new, org overrides)', 'new'),
  ('u-ivan',   'org-acme',   'Ivan (direct_llm)',  'direct_llm')
ON CONFLICT (id) DO UPDATE SET org_id = EXCLUDED.org_id, display_name = EXCLUDED.display_name,
                               execution_mode = EXCLUDED.execution_mode;

INSERT INTO agents (id, name, default_execution_mode) VALUES
  ('agent-general', 'General assistant (no preference)', NULL),
  ('agent-fast',    'Fast answers (prefers direct_llm)', 'direct_llm')
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, default_execution_mode = EXCLUDED.default_execution_mode;

-- memories for the execution-plane user (memory_search)
INSERT INTO memories (id, user_id, content) VALUES
  ('00000000-0000-0000-0000-00000000b001', 'u-bob', 'Bob prefers answers about the weather in Berlin in Celsius.'),
  ('00000000-0000-0000-0000-00000000b002', 'u-bob', 'Bob is planning a trip to Lisbon in spring.'),
  ('00000000-0000-0000-0000-00000000a001', 'u-alice', 'Alice asked about the weather in Berlin last week.')
ON CONFLICT (id) DO NOTHING;
