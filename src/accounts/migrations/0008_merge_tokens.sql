-- A fourth kind of emailed token: proving that another account is mine before merging it.
ALTER TABLE auth_tokens DROP CONSTRAINT auth_tokens_kind_check;
ALTER TABLE auth_tokens ADD CONSTRAINT auth_tokens_kind_check
  CHECK (kind IN ('verify_email', 'reset_password', 'login_link', 'merge_account'));
