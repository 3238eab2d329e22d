import type { Feature } from '../http/context.ts';
import { sendEmail } from './deliver.ts';
import { EMAIL_JOB } from './outbox.ts';
import type { MailTables } from './tables.ts';

/** Outgoing mail: the outbox rows written with the change that causes them, and their delivery. */
export const mailFeature: Feature<MailTables> = {
  name: 'mail',
  jobs: { [EMAIL_JOB]: sendEmail },
};
