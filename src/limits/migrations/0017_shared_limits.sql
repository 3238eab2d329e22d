-- Rate limits that hold across every app process sharing the database (a verifier's budget spent
-- through one process is spent in all of them). Rows are small and short-lived: the periodic
-- `limits.cleanup` job deletes windows that have ended and budgets that have filled up again.

-- Request counters of routes with `config.rateLimit` (@fastify/rate-limit's store): `hits` in the
-- window that began with the first of them and ends at `window_end`.
CREATE TABLE request_counts (
  key text PRIMARY KEY,
  window_end timestamptz NOT NULL,
  hits integer NOT NULL
);
CREATE INDEX request_counts_end ON request_counts (window_end);

-- Token buckets that charge by cost (the public verifier's per-address budget). `tokens` is the
-- balance at `at`; it refills with time up to the budget's capacity, which it reaches at `full_at`.
CREATE TABLE cost_budgets (
  key text PRIMARY KEY,
  tokens double precision NOT NULL,
  at timestamptz NOT NULL,
  full_at timestamptz NOT NULL
);
CREATE INDEX cost_budgets_full ON cost_budgets (full_at);
