// The whole database as Kysely sees it: each feature declares its own tables beside its
// migrations and this interface joins them. One line per feature.
import type { AccountTables } from '../accounts/tables.ts';
import type { OrgTables } from '../orgs/tables.ts';
import type { IssuingTables } from '../issuing/tables.ts';
import type { TemplateTables } from '../templates/tables.ts';
import type { JobTables } from '../jobs/tables.ts';
import type { MailTables } from '../mail/tables.ts';
import type { WalletTables } from '../wallet/tables.ts';

export interface Database
  extends AccountTables,
    OrgTables,
    IssuingTables,
    TemplateTables,
    JobTables,
    MailTables,
    WalletTables {}
