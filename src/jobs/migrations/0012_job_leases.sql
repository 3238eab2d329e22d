-- lease_id: a fresh id per claim. Only the worker holding the current lease may renew it or
-- record the job's outcome, so a worker whose lease ran out (and whose job another worker
-- took over) cannot mark it done or failed.
-- first_run_at: when the job first ran, for jobs retried for a length of time rather than a
-- number of attempts (mail: three days). max_attempts NULL leaves giving up to the handler.
ALTER TABLE jobs ADD COLUMN lease_id uuid;
ALTER TABLE jobs ADD COLUMN first_run_at timestamptz;
ALTER TABLE jobs ALTER COLUMN max_attempts DROP NOT NULL;
