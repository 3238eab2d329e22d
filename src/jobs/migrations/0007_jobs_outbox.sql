-- The durable job queue. A worker claims a due row with FOR UPDATE SKIP LOCKED and sets
-- locked_until (a lease): if the worker dies, the row becomes due again when the lease ends.
CREATE TABLE jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}'::jsonb,
  run_at timestamptz NOT NULL DEFAULT now(),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 8,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  failed_at timestamptz,
  dedupe_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Only open rows are ever scanned for work.
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_failed ON jobs (failed_at) WHERE failed_at IS NOT NULL;

-- The email outbox: one row per message, written in the transaction that causes it; an
-- `email.send` job delivers it. sent_at is set once, so a message is never sent twice.
CREATE TABLE emails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  to_address text NOT NULL,
  subject text NOT NULL,
  html text NOT NULL,
  text text NOT NULL,
  attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
  dedupe_key text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  message_id text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  dev_mailbox boolean NOT NULL DEFAULT false
);
CREATE INDEX emails_created ON emails (created_at DESC);
CREATE INDEX emails_pending ON emails (created_at) WHERE sent_at IS NULL;
