-- Mail queued before this release still carries the old limit of 8 attempts (about four
-- minutes of outage). Open mail jobs now retry until the sender gives up after three days.
UPDATE jobs SET max_attempts = NULL WHERE kind = 'email.send' AND done_at IS NULL AND failed_at IS NULL;
