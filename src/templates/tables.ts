import type { ColumnType, Generated, JSONColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AlignmentRow {
  targetName: string;
  targetUrl: string;
  targetFramework?: string;
  targetCode?: string;
  targetDescription?: string;
}

export type TemplateStatus = 'draft' | 'active' | 'archived';
export type ExpiryKind = 'none' | 'date' | 'months';

export interface TemplateTables {
  badge_templates: {
    id: Generated<string>;
    org_id: string;
    name: string;
    description: string;
    criteria_narrative: string;
    criteria_url: string | null;
    tags: ColumnType<string[], string[] | undefined, string[]>;
    alignments: JSONColumnType<AlignmentRow[], string, string>;
    achievement_type: string;
    credits_available: number | null;
    level: string | null;
    expiry_kind: ExpiryKind;
    expiry_date: Date | null;
    expiry_months: number | null;
    status: TemplateStatus;
    image_svg: string | null;
    image_png: Buffer;
    design: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
    created_by: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
}
