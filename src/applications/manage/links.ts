// The addresses people apply at (the applicant side serves them).
import type { Config } from '../../config.ts';

/** Where anyone applies for a public template. */
export const applyUrl = (config: Pick<Config, 'baseUrl'>, templateId: string) =>
  `${config.baseUrl}/apply/${templateId}`;

/** Where an invitee applies: the template's application page, with their personal token. */
export const invitationUrl = (config: Pick<Config, 'baseUrl'>, templateId: string, token: string) =>
  `${applyUrl(config, templateId)}?invitation=${encodeURIComponent(token)}`;

/** The QR code of a public template's application link (served while it is open). */
export const applyQrPath = (orgSlug: string, templateId: string) =>
  `/orgs/${orgSlug}/badges/${templateId}/apply-qr.svg`;
