-- Counters for rate limits on logging in and on emailed links, in the database so that
-- several app processes share them. One row per (bucket key, window start).
CREATE TABLE rate_limits (
  key text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL DEFAULT 0,
  PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);
CREATE INDEX users_merged_into ON users (merged_into);
