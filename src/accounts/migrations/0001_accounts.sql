-- People who sign in. An account holds several emails; each is verified on its own.
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  handle text UNIQUE,
  password_hash text,
  is_admin boolean NOT NULL DEFAULT false,
  profile_public boolean NOT NULL DEFAULT false,
  bio text,
  merged_into uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Emails are stored normalized (trimmed, lower-case) so matching never depends on letter case.
CREATE TABLE user_emails (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email text NOT NULL UNIQUE,
  verified_at timestamptz,
  is_primary boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_emails_user ON user_emails(user_id);

-- The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Single-use tokens sent by email (verify an address, reset a password, log in by link).
CREATE TABLE auth_tokens (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('verify_email', 'reset_password', 'login_link')),
  user_id uuid REFERENCES users(id) ON DELETE CASCADE,
  email text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);
