import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json = ColumnType<unknown, string | null | undefined, string | null>;

export type Visibility = 'private' | 'public';

export interface WalletTables {
  wallet_items: {
    id: Generated<string>;
    user_id: string;
    award_id: string | null;
    credential_text: string | null;
    format: string | null;
    source_url: string | null;
    credential_hash: string | null;
    issuer_name: string;
    issuer_id: string | null;
    badge_name: string;
    badge_description: string | null;
    image: Buffer | null;
    image_type: string | null;
    image_url: string | null;
    valid_until: NullableTimestamp;
    visibility: ColumnType<Visibility, Visibility | undefined, Visibility>;
    show_recipient_name: Generated<boolean>;
    added_at: Timestamp;
    updated_at: Timestamp;
    last_verified_at: NullableTimestamp;
    last_report: Json;
  };
  engagement_events: {
    award_id: string;
    org_id: string;
    template_id: string;
    kind: string;
    day: ColumnType<string, string, string>;
    count: Generated<number>;
  };
}
