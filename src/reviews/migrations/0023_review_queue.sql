-- The review queue. In every state at once it is read oldest first across states: this index
-- serves that order (a draft never has submitted_at, so drafts are never in it).
CREATE INDEX applications_queue_all ON applications (org_id, submitted_at, id) WHERE submitted_at IS NOT NULL;

-- How many submitted-at-least-once applications each template has in each state, kept by a
-- trigger on every write to applications (whoever writes), so the queue's counts read a few rows
-- instead of scanning every application of the organization. No foreign key: deleting a template
-- cascades to its applications, whose trigger still updates these rows (they stay, at zero).
CREATE TABLE application_counts (
  template_id uuid NOT NULL,
  org_id uuid NOT NULL,
  state text NOT NULL,
  n integer NOT NULL DEFAULT 0,
  PRIMARY KEY (template_id, state)
);
CREATE INDEX application_counts_org ON application_counts (org_id);

CREATE FUNCTION laurel_count_applications() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_t uuid; old_o uuid; old_s text;
  new_t uuid; new_o uuid; new_s text;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD.submitted_at IS NOT NULL THEN
    old_t := OLD.template_id; old_o := OLD.org_id; old_s := OLD.state;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW.submitted_at IS NOT NULL THEN
    new_t := NEW.template_id; new_o := NEW.org_id; new_s := NEW.state;
  END IF;
  IF old_t IS NOT DISTINCT FROM new_t AND old_s IS NOT DISTINCT FROM new_s THEN
    RETURN NULL;
  END IF;
  -- One statement, its rows in key order: two transactions moving applications of one template
  -- lock these rows in the same order and cannot deadlock on them.
  INSERT INTO application_counts AS c (template_id, org_id, state, n)
  SELECT t, o, s, d FROM (VALUES (old_t, old_o, old_s, -1), (new_t, new_o, new_s, 1)) AS v(t, o, s, d)
  WHERE t IS NOT NULL ORDER BY t, s
  ON CONFLICT (template_id, state) DO UPDATE SET n = c.n + EXCLUDED.n;
  RETURN NULL;
END
$$;

CREATE TRIGGER applications_count
  AFTER INSERT OR DELETE OR UPDATE OF state, submitted_at, template_id ON applications
  FOR EACH ROW EXECUTE FUNCTION laurel_count_applications();

INSERT INTO application_counts (template_id, org_id, state, n)
  SELECT template_id, org_id, state, count(*) FROM applications
  WHERE submitted_at IS NOT NULL GROUP BY template_id, org_id, state;
