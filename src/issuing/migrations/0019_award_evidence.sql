-- Evidence beyond the issuer's one link and narrative: what an application's answers, its public
-- files or a renewed credential add to an award (a list of OB 3.0 Evidence objects, as signed).
ALTER TABLE awards ADD COLUMN evidence jsonb;
-- "Renewed by …": a renewed credential stays valid, and its page names the one that followed it.
ALTER TABLE awards ADD COLUMN renewed_by uuid REFERENCES awards(id) ON DELETE SET NULL;
