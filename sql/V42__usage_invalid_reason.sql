-- A usage record whose path reported a bad value (a 101-character model, negative or over-2^31 token counts, an error
-- code that is not [A-Za-z0-9_.:-]{1,64}) is still written, with the value replaced (cut, clamped, defaulted), and
-- says here what was wrong (docs/events.md). NULL: every reported value was valid.
ALTER TABLE usage_records ADD COLUMN invalid_reason VARCHAR(500);
