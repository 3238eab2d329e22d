-- Claim codes (issue 11): a set is one shared event code or one generated batch of single-use
-- codes for a badge template. A code is found by its keyed hash and kept sealed for export
-- (src/claim-codes/vault.ts); nothing here reveals a code without the server secret.
CREATE TABLE claim_code_sets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('shared', 'batch')),
  label text NOT NULL,
  opens_at timestamptz,
  closes_at timestamptz,
  code_count integer NOT NULL,
  disabled_at timestamptz,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  api_key_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (opens_at IS NULL OR closes_at IS NULL OR closes_at > opens_at)
);
CREATE INDEX claim_code_sets_org ON claim_code_sets(org_id, template_id, created_at DESC);

-- One row per code. A shared code's limit of uses is its max_uses (none: no limit); every code
-- of a batch has max_uses 1. `uses` counts redemptions, under the row's lock.
CREATE TABLE claim_codes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  set_id uuid NOT NULL REFERENCES claim_code_sets(id) ON DELETE CASCADE,
  position integer NOT NULL,
  code_hash text NOT NULL UNIQUE,
  sealed bytea NOT NULL,
  max_uses integer CHECK (max_uses > 0),
  uses integer NOT NULL DEFAULT 0,
  disabled_at timestamptz,
  UNIQUE (set_id, position)
);

-- Who redeemed what: one redemption per person and set (a second code of the same batch gives
-- nobody a second badge, and stays for someone else).
CREATE TABLE claim_code_redemptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  set_id uuid NOT NULL REFERENCES claim_code_sets(id) ON DELETE CASCADE,
  code_id uuid NOT NULL REFERENCES claim_codes(id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  award_id uuid REFERENCES awards(id) ON DELETE SET NULL,
  redeemed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (set_id, user_id)
);
CREATE INDEX claim_code_redemptions_set ON claim_code_redemptions(set_id, redeemed_at DESC);
CREATE INDEX claim_code_redemptions_code ON claim_code_redemptions(code_id);
CREATE INDEX claim_code_redemptions_user ON claim_code_redemptions(user_id);
