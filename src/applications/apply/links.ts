// The addresses of the applicant's side, for pages, emails and the other parts of the workflow
// (the organization's invitations link to applyUrl; the reviewer's decisions to applicationUrl).
import type { Config } from '../../config.ts';

/** The form of a template; with an invitation's token, the link that invitation mails. */
export const applyPath = (templateId: string, invitationToken?: string) =>
  `/apply/${templateId}${invitationToken ? `?invitation=${encodeURIComponent(invitationToken)}` : ''}`;
export const applyUrl = (config: Config, templateId: string, invitationToken?: string) =>
  `${config.baseUrl}${applyPath(templateId, invitationToken)}`;

/** The applicant's status page of one application. */
export const applicationPath = (id: string) => `/applications/${id}`;
export const applicationUrl = (config: Config, id: string) => `${config.baseUrl}${applicationPath(id)}`;

/** Where the holder of an award asks for its renewal. */
export const renewPath = (awardId: string) => `/apply/renew/${awardId}`;
export const renewUrl = (config: Config, awardId: string) => `${config.baseUrl}${renewPath(awardId)}`;

/** "My applications". */
export const MY_APPLICATIONS = '/applications';
