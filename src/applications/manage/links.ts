// The QR code of a public template's application link (the applicant side serves the link itself:
// apply/links.ts).

/** Served while the template is open to applications from anyone. */
export const applyQrPath = (orgSlug: string, templateId: string) =>
  `/orgs/${orgSlug}/badges/${templateId}/apply-qr.svg`;
