import { asArray, isObj, type Obj, str } from '../json-values.ts';
import type { VerificationReport } from './report.ts';

/** The fields of an OB 3.0 credential that the report names, read without trusting their shape. */
export function issuerOf(cred: Obj): { id: string; name?: string; url?: string } | undefined {
  const i = cred.issuer;
  if (typeof i === 'string') return { id: i };
  if (isObj(i) && typeof i.id === 'string') {
    const out: { id: string; name?: string; url?: string } = { id: i.id };
    if (typeof i.name === 'string') out.name = i.name;
    if (typeof i.url === 'string') out.url = i.url;
    return out;
  }
  return undefined;
}

export const issuerLabel = (i: { id: string; name?: string } | undefined) =>
  i ? (i.name ? `${i.name} (${i.id})` : i.id) : 'an unnamed issuer';

export function subjectOf(cred: Obj): Obj {
  const s = Array.isArray(cred.credentialSubject) ? cred.credentialSubject[0] : cred.credentialSubject;
  return isObj(s) ? s : {};
}

/** What the report names of an achievement (OB 3.0) or badge class (OB 2.0): id, name, description, image. */
export function achievementOf(a: Obj): NonNullable<VerificationReport['achievement']> {
  const image = isObj(a.image) ? str(a.image.id) : str(a.image);
  return {
    ...(str(a.id) ? { id: str(a.id) } : {}),
    ...(str(a.name) ? { name: str(a.name) } : {}),
    ...(str(a.description) ? { description: str(a.description) } : {}),
    ...(image ? { image } : {}),
  };
}

/** Copies what an OB 3.0 credential says about itself (issuer, achievement, recipient, dates) into the report. */
export function describeOb3(report: Partial<VerificationReport>, cred: Obj): void {
  report.credential = cred;
  const issuer = issuerOf(cred);
  if (issuer) report.issuer = issuer;
  const subject = subjectOf(cred);
  if (isObj(subject.achievement)) report.achievement = achievementOf(subject.achievement);
  const ident = asArray(subject.identifier).find(isObj);
  report.recipient = {
    ...(str(subject.id) ? { id: str(subject.id) } : {}),
    ...(ident && str(ident.identityType)
      ? { identityType: str(ident.identityType), hashed: ident.hashed === true }
      : {}),
  };
  if (str(cred.validFrom ?? cred.issuanceDate)) report.validFrom = str(cred.validFrom ?? cred.issuanceDate);
  if (str(cred.validUntil ?? cred.expirationDate))
    report.validUntil = str(cred.validUntil ?? cred.expirationDate);
}
