import type { Feature } from '../http/context.ts';
import { accountPages } from './pages/account.ts';
import { authPages } from './pages/auth.ts';
import type { AccountTables } from './tables.ts';

/** Accounts: sign-up, login, sessions, the account page and merging accounts. */
export const accountsFeature: Feature<AccountTables> = {
  name: 'accounts',
  routes: (app, ctx) => {
    authPages(app, ctx);
    accountPages(app, ctx);
  },
};
