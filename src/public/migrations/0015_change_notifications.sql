-- Every change to a row a public badge view is made from is announced on the `laurel_changes`
-- channel, once the transaction commits, so that each process drops what it keeps of the views
-- it touched (src/db/changes.ts, src/public/badge-view.ts). The payload is `<table>:<key>` for
-- each row changed (the key names the award, status list, organization or template), or `*`
-- when one statement changes more rows than are worth naming one by one. Inserting awards,
-- status lists, organizations or templates changes no view anyone has seen, so only their
-- updates and deletes are announced; a new wallet item or key can change one, so every change
-- to those is.
CREATE FUNCTION laurel_announce_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  keys text[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    PERFORM pg_notify('laurel_changes', '*');
    RETURN NULL;
  END IF;
  -- TG_ARGV: the payload prefix, then the column that names the view's key.
  EXECUTE format('SELECT array_agg(DISTINCT %1$I::text) FROM changed_rows WHERE %1$I IS NOT NULL', TG_ARGV[1])
    INTO keys;
  IF keys IS NULL THEN
    RETURN NULL;
  ELSIF cardinality(keys) > 100 THEN
    PERFORM pg_notify('laurel_changes', '*');
  ELSE
    PERFORM pg_notify('laurel_changes', TG_ARGV[0] || ':' || k) FROM unnest(keys) AS k;
  END IF;
  RETURN NULL;
END
$$;

-- A trigger with transition tables takes one event, hence one trigger per table and event.
CREATE TRIGGER awards_updated AFTER UPDATE ON awards REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'id');
CREATE TRIGGER awards_deleted AFTER DELETE ON awards REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'id');
CREATE TRIGGER awards_truncated AFTER TRUNCATE ON awards
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes();

-- Who holds an award, whether its page is public and whether it shows their name.
CREATE TRIGGER wallet_items_inserted AFTER INSERT ON wallet_items REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'award_id');
CREATE TRIGGER wallet_items_updated_new AFTER UPDATE ON wallet_items REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'award_id');
CREATE TRIGGER wallet_items_updated_old AFTER UPDATE ON wallet_items REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'award_id');
CREATE TRIGGER wallet_items_deleted AFTER DELETE ON wallet_items REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('awards', 'award_id');
CREATE TRIGGER wallet_items_truncated AFTER TRUNCATE ON wallet_items
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes();

-- Issuing takes slots from a list, and reading it stores its signed copy, many times a second;
-- only a change to its bits (which raises its version) changes what a view shows.
CREATE FUNCTION laurel_announce_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('laurel_changes', TG_ARGV[0] || ':' || NEW.id);
  RETURN NULL;
END
$$;
CREATE TRIGGER status_lists_updated AFTER UPDATE ON status_lists FOR EACH ROW
  WHEN (OLD.version IS DISTINCT FROM NEW.version) EXECUTE FUNCTION laurel_announce_row('status_lists');
CREATE TRIGGER status_lists_deleted AFTER DELETE ON status_lists REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('status_lists', 'id');

CREATE TRIGGER orgs_updated AFTER UPDATE ON orgs REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('orgs', 'id');
CREATE TRIGGER orgs_deleted AFTER DELETE ON orgs REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('orgs', 'id');

-- The issuer's keys decide whether a credential's proof verifies.
CREATE TRIGGER org_keys_inserted AFTER INSERT ON org_keys REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('orgs', 'org_id');
CREATE TRIGGER org_keys_updated AFTER UPDATE ON org_keys REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('orgs', 'org_id');
CREATE TRIGGER org_keys_deleted AFTER DELETE ON org_keys REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('orgs', 'org_id');

CREATE TRIGGER badge_templates_updated AFTER UPDATE ON badge_templates REFERENCING NEW TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('badge_templates', 'id');
CREATE TRIGGER badge_templates_deleted AFTER DELETE ON badge_templates REFERENCING OLD TABLE AS changed_rows
  FOR EACH STATEMENT EXECUTE FUNCTION laurel_announce_changes('badge_templates', 'id');
