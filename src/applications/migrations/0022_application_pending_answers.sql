-- What a visitor typed into an application form before having an account: kept for a day under
-- the SHA-256 of a token in a short-lived cookie, and moved into their draft once they are
-- signed in (so signing up on the way loses nothing).
CREATE TABLE application_pending_answers (
  token_hash text PRIMARY KEY,
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  form_id uuid NOT NULL REFERENCES application_forms(id) ON DELETE CASCADE,
  answers jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_pending_answers_age ON application_pending_answers (created_at);
