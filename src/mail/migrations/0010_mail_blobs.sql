-- Attachments stored once by content hash: a bulk issue of 10,000 award emails carries one
-- copy of the badge image instead of 10,000. The emails' attachments JSON names the blob.
CREATE TABLE mail_blobs (
  sha256 text PRIMARY KEY,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
