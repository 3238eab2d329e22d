-- smtp_response: the server's reply accepting the message, recorded the moment it arrives.
-- sending_since: an attempt is under way; a second worker (after a lease takeover) waits.
-- failed_at: failed for good (the server refused the recipient, or three days of temporary
-- failures); last_error says why, and the administrator can retry.
ALTER TABLE emails ADD COLUMN smtp_response text;
ALTER TABLE emails ADD COLUMN sending_since timestamptz;
ALTER TABLE emails ADD COLUMN failed_at timestamptz;
CREATE INDEX emails_failed ON emails (failed_at) WHERE failed_at IS NOT NULL;
