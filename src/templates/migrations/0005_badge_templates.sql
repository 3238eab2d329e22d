-- A badge template is an OB3 Achievement (OB2 BadgeClass) an organization issues.
CREATE TABLE badge_templates (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  org_id uuid NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,
  name text NOT NULL,
  description text NOT NULL,
  criteria_narrative text NOT NULL,
  criteria_url text,
  tags text[] NOT NULL DEFAULT '{}',
  alignments jsonb NOT NULL DEFAULT '[]',
  achievement_type text NOT NULL DEFAULT 'Badge',
  credits_available numeric,
  level text,
  expiry_kind text NOT NULL DEFAULT 'none' CHECK (expiry_kind IN ('none', 'date', 'months')),
  expiry_date timestamptz,
  expiry_months integer CHECK (expiry_months IS NULL OR expiry_months BETWEEN 1 AND 1200),
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  image_svg text,
  image_png bytea NOT NULL,
  design jsonb,
  created_by uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX badge_templates_org ON badge_templates(org_id, status);
