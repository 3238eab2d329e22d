-- Signing keys of an organization. The secret half is sealed (AES-256-GCM, see key-vault.ts);
-- retired keys stay so that credentials signed with them still verify through did.json.
CREATE TABLE org_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  key_id text NOT NULL,
  public_key bytea NOT NULL,
  secret_sealed bytea NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'retired')),
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  UNIQUE (org_id, key_id)
);
CREATE UNIQUE INDEX org_keys_one_active ON org_keys(org_id) WHERE status = 'active';

-- An invitation is a single-use link; only the SHA-256 of its token is stored.
CREATE TABLE org_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'issuer', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX org_invitations_org ON org_invitations(org_id);
