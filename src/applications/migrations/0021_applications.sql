-- Earning by application: per-template settings, versioned forms, applications with their files,
-- approvals and timeline, invitations to apply, and external reviewers. A new member role,
-- `reviewer`, sits between viewer and issuer: it reviews applications and issues nothing else.
ALTER TABLE org_members DROP CONSTRAINT IF EXISTS org_members_role_check;
ALTER TABLE org_members ADD CONSTRAINT org_members_role_check
  CHECK (role IN ('owner', 'admin', 'issuer', 'reviewer', 'viewer'));
ALTER TABLE org_invitations DROP CONSTRAINT IF EXISTS org_invitations_role_check;
ALTER TABLE org_invitations ADD CONSTRAINT org_invitations_role_check
  CHECK (role IN ('owner', 'admin', 'issuer', 'reviewer', 'viewer'));

-- How a template's badge can be asked for. No row: issued by the organization only.
CREATE TABLE application_settings (
  template_id uuid PRIMARY KEY REFERENCES badge_templates(id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  -- closed: no new applications; public: anyone with the link; invitation: invited people only.
  mode text NOT NULL DEFAULT 'closed' CHECK (mode IN ('closed', 'public', 'invitation')),
  opens_at timestamptz,
  closes_at timestamptz,
  -- At most this many approved applications (null: no cap).
  cap integer CHECK (cap IS NULL OR cap > 0),
  approvals_required integer NOT NULL DEFAULT 1 CHECK (approvals_required BETWEEN 1 AND 10),
  -- Renewal of an expiring badge: through review, or re-issued at once on request within
  -- renewal_window_days of its expiry.
  renewal text NOT NULL DEFAULT 'review' CHECK (renewal IN ('off', 'review', 'instant')),
  renewal_window_days integer NOT NULL DEFAULT 60 CHECK (renewal_window_days BETWEEN 1 AND 366),
  -- Limits for the files of one application (bytes).
  max_file_bytes integer NOT NULL DEFAULT 10485760,
  max_application_bytes integer NOT NULL DEFAULT 52428800,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users(id) ON DELETE SET NULL
);

-- A form is never changed once saved: saving makes a new version; an application keeps the
-- version it was answered on.
CREATE TABLE application_forms (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  version integer NOT NULL,
  instructions text NOT NULL DEFAULT '',
  questions jsonb NOT NULL DEFAULT '[]',
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (template_id, version)
);

-- Invitations to apply (mode 'invitation'): a link per invitee; only the token's SHA-256 is kept.
CREATE TABLE application_invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  email text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  UNIQUE (template_id, email)
);

CREATE TABLE applications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  form_id uuid NOT NULL REFERENCES application_forms(id),
  applicant_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  applicant_name text NOT NULL,
  -- The verified address the badge is issued to.
  applicant_email text NOT NULL,
  state text NOT NULL DEFAULT 'draft'
    CHECK (state IN ('draft', 'submitted', 'returned', 'approved', 'rejected', 'withdrawn')),
  -- { questionId: value } (files are listed in application_files).
  answers jsonb NOT NULL DEFAULT '{}',
  -- Each submission counts its approvals afresh (a return for revision starts a new round).
  submission integer NOT NULL DEFAULT 0,
  invitation_id uuid REFERENCES application_invitations(id) ON DELETE SET NULL,
  -- A renewal points at the credential it renews; approval issues one whose evidence cites it.
  renews_award_id uuid REFERENCES awards(id) ON DELETE SET NULL,
  award_id uuid UNIQUE REFERENCES awards(id) ON DELETE SET NULL,
  submitted_at timestamptz,
  decided_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The review queue: oldest first, per organization, template and state.
CREATE INDEX applications_queue ON applications (org_id, state, submitted_at, id);
CREATE INDEX applications_template ON applications (template_id, state);
CREATE INDEX applications_applicant ON applications (applicant_id, created_at DESC);
-- One open application per person and template (drafts, submitted, returned).
CREATE UNIQUE INDEX applications_one_open ON applications (template_id, applicant_id)
  WHERE state IN ('draft', 'submitted', 'returned');

-- Files kept by Laurel itself, in the database (PGlite and PostgreSQL alike, no other service).
-- content_type is detected from the bytes. A file is private to the applicant and the reviewers
-- unless the applicant makes it public (then it is linked as evidence from the credential).
CREATE TABLE application_files (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  question_id text NOT NULL,
  filename text NOT NULL,
  content_type text NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  data bytea NOT NULL,
  public boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_files_application ON application_files (application_id);

-- Approvals of one submission: a reviewer approves a submission once.
CREATE TABLE application_approvals (
  application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  submission integer NOT NULL,
  reviewer_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, submission, reviewer_id)
);

-- The timeline and the thread: every transition (who, when, from, to, message), messages to the
-- applicant and private reviewer notes.
CREATE TABLE application_events (
  id bigserial PRIMARY KEY,
  application_id uuid NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('transition', 'approval', 'message', 'note')),
  actor_id uuid REFERENCES users(id) ON DELETE SET NULL,
  actor_role text NOT NULL CHECK (actor_role IN ('applicant', 'reviewer', 'external', 'system')),
  from_state text,
  to_state text,
  message text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_events_application ON application_events (application_id, id);

-- External reviewers: invited by email for one template; they review its applications without
-- joining the organization. user_id is set when they accept with an account of that address.
CREATE TABLE external_reviewers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  template_id uuid NOT NULL REFERENCES badge_templates(id) ON DELETE CASCADE,
  email text NOT NULL,
  name text NOT NULL DEFAULT '',
  token_hash text NOT NULL UNIQUE,
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  invited_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  accepted_at timestamptz,
  revoked_at timestamptz,
  UNIQUE (template_id, email)
);
CREATE INDEX external_reviewers_user ON external_reviewers (user_id) WHERE revoked_at IS NULL;
