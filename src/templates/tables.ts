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
  badgeTemplates: {
    id: Generated<string>;
    orgId: string;
    name: string;
    description: string;
    criteriaNarrative: string;
    criteriaUrl: string | null;
    tags: ColumnType<string[], string[] | undefined, string[]>;
    alignments: JSONColumnType<AlignmentRow[], string, string>;
    achievementType: string;
    creditsAvailable: number | null;
    level: string | null;
    expiryKind: ExpiryKind;
    expiryDate: Date | null;
    expiryMonths: number | null;
    status: TemplateStatus;
    imageSvg: string | null;
    imagePng: Buffer;
    design: JSONColumnType<Record<string, unknown> | null, string | null, string | null>;
    createdBy: string | null;
    createdAt: Timestamp;
    updatedAt: Timestamp;
  };
}
