-- Every claim link sent for an award keeps working until the award is accepted, declined or
-- expires: a reminder or a re-send adds a link rather than breaking the one in the first email.
CREATE TABLE award_claim_tokens (
  token_hash text PRIMARY KEY,
  award_id uuid NOT NULL REFERENCES awards (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX award_claim_tokens_award ON award_claim_tokens (award_id);
