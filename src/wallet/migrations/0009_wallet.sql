-- An earner's wallet: badges accepted here (award_id set) and badges imported from elsewhere
-- (credential_text set). Private unless the earner makes an item public.
CREATE TABLE wallet_items (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  award_id uuid UNIQUE REFERENCES awards(id) ON DELETE CASCADE,
  credential_text text,
  format text,
  source_url text,
  -- sha256 of the imported credential text: the same badge is imported once per wallet.
  credential_hash text,
  issuer_name text NOT NULL,
  issuer_id text,
  badge_name text NOT NULL,
  badge_description text,
  image bytea,
  image_type text,
  image_url text,
  valid_until timestamptz,
  visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'public')),
  show_recipient_name boolean NOT NULL DEFAULT false,
  added_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  last_verified_at timestamptz,
  last_report jsonb,
  CHECK (award_id IS NOT NULL OR credential_text IS NOT NULL)
);
CREATE INDEX wallet_items_user ON wallet_items(user_id, added_at DESC);
CREATE UNIQUE INDEX wallet_items_imported_once ON wallet_items(user_id, credential_hash)
  WHERE credential_hash IS NOT NULL;

-- Views and shares of public badge pages, one counter per award, kind and day. The org and
-- template are kept beside the award so the analytics page adds up without reading awards.
CREATE TABLE engagement_events (
  award_id uuid NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
  org_id uuid NOT NULL,
  template_id uuid NOT NULL,
  kind text NOT NULL,
  day date NOT NULL,
  count integer NOT NULL DEFAULT 0,
  PRIMARY KEY (award_id, kind, day)
);
CREATE INDEX engagement_events_org ON engagement_events(org_id, template_id);

-- Claim reminders already sent, one per award and reminder day (the org's reminderDays).
CREATE TABLE claim_reminders (
  award_id uuid NOT NULL REFERENCES awards(id) ON DELETE CASCADE,
  day integer NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (award_id, day)
);
