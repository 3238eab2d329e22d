// The whole database as Kysely sees it: the tables each feature's manifest declares (src/features.ts).
import type { FeatureTables } from '../features.ts';

export interface Database extends FeatureTables {}
