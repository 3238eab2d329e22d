-- The issued list of an organization with 100,000 awards and more. Pages are keyset pages in
-- (created_at, id) order, read from an index in that order from the cursor on, never by skipping
-- rows; the template filter and the revoked/declined filter have an index each; the search of
-- name or email (LIKE '%…%') reads trigram indexes (pg_trgm), so it finds the few matching rows
-- without reading every award. The old (org_id, created_at) index is the first one's prefix.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP INDEX IF EXISTS awards_org_created;
CREATE INDEX awards_org_list ON awards (org_id, created_at DESC, id DESC);
CREATE INDEX awards_org_template_list ON awards (org_id, template_id, created_at DESC, id DESC);
CREATE INDEX awards_org_revoked_list ON awards (org_id, created_at DESC, id DESC)
  WHERE revoked_at IS NOT NULL;
CREATE INDEX awards_recipient_search ON awards
  USING gin (lower(recipient_name) gin_trgm_ops, recipient_email gin_trgm_ops);
