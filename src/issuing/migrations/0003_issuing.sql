-- Bitstring status lists (W3C Bitstring Status List v1.0): one row per list, 131072 entries
-- (16 KiB, the spec's minimum size for herd privacy). A new list (seq + 1) opens when one fills.
-- `version` rises with every change to `bits`; the signed credential is valid for `signed_version`.
CREATE TABLE status_lists (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  purpose text NOT NULL CHECK (purpose IN ('revocation', 'suspension')),
  seq integer NOT NULL DEFAULT 0,
  capacity integer NOT NULL DEFAULT 131072,
  bits bytea NOT NULL DEFAULT decode(repeat('00', 16384), 'hex'),
  next_index integer NOT NULL DEFAULT 0,
  version integer NOT NULL DEFAULT 0,
  signed_credential text,
  signed_version integer,
  signed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, purpose, seq)
);

-- API keys: `lrl_<prefix>_<secret>`; only SHA-256 of the secret is kept (see src/apikeys/service.ts).
CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL UNIQUE,
  secret_hash text NOT NULL,
  scopes text[] NOT NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_keys_org ON api_keys(org_id);

-- A CSV upload: previewed first (rows with their errors), issued by a background job once confirmed.
CREATE TABLE bulk_batches (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  template_id uuid NOT NULL,
  filename text NOT NULL,
  status text NOT NULL CHECK (status IN ('preview', 'queued', 'running', 'done', 'cancelled')),
  total integer NOT NULL DEFAULT 0,
  valid integer NOT NULL DEFAULT 0,
  issued integer NOT NULL DEFAULT 0,
  skipped integer NOT NULL DEFAULT 0,
  failed integer NOT NULL DEFAULT 0,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  finished_at timestamptz
);
CREATE INDEX bulk_batches_org ON bulk_batches(org_id, created_at DESC);

CREATE TABLE bulk_rows (
  batch_id uuid NOT NULL REFERENCES bulk_batches(id) ON DELETE CASCADE,
  row_no integer NOT NULL,
  name text NOT NULL,
  email text NOT NULL,
  issued_on text NOT NULL DEFAULT '',
  expires_on text NOT NULL DEFAULT '',
  evidence_url text NOT NULL DEFAULT '',
  narrative text NOT NULL DEFAULT '',
  row_key text NOT NULL,
  errors jsonb NOT NULL DEFAULT '[]',
  -- pending (valid, not yet issued), invalid (errors; never issued), issued, duplicate, failed
  outcome text NOT NULL CHECK (outcome IN ('pending', 'invalid', 'issued', 'duplicate', 'failed')),
  award_id uuid,
  message text,
  PRIMARY KEY (batch_id, row_no)
);
CREATE INDEX bulk_rows_pending ON bulk_rows(batch_id, row_no) WHERE outcome = 'pending';

-- An issued credential. `credential_json` / `credential_jwt` hold the exact signed text: the bytes
-- served later are the bytes signed. The claim token is random; only its SHA-256 is stored.
CREATE TABLE awards (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  template_id uuid NOT NULL,
  recipient_name text,
  recipient_email text,
  salt text NOT NULL,
  issued_at timestamptz NOT NULL,
  valid_until timestamptz,
  evidence_url text,
  evidence_narrative text,
  credential_json text NOT NULL,
  credential_jwt text NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'accepted', 'rejected')),
  revoked_at timestamptz,
  revocation_reason text,
  revoked_by uuid REFERENCES users(id) ON DELETE SET NULL,
  claimed_by uuid REFERENCES users(id) ON DELETE SET NULL,
  claimed_at timestamptz,
  claim_token_hash text NOT NULL UNIQUE,
  status_list_id uuid NOT NULL REFERENCES status_lists(id),
  status_index integer NOT NULL,
  batch_id uuid REFERENCES bulk_batches(id) ON DELETE SET NULL,
  row_key text,
  idempotency_key text,
  request_hash text,
  api_key_id uuid REFERENCES api_keys(id) ON DELETE SET NULL,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (status_list_id, status_index),
  UNIQUE (org_id, row_key),
  UNIQUE (org_id, idempotency_key)
);
CREATE INDEX awards_org_created ON awards(org_id, created_at DESC);
CREATE INDEX awards_claimed_by ON awards(claimed_by);
CREATE INDEX awards_email ON awards(recipient_email);
CREATE INDEX awards_pending ON awards(created_at) WHERE state = 'pending' AND revoked_at IS NULL;
