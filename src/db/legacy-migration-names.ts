/**
 * Names that databases created before the global migration sequence (issue 9 §4) recorded in
 * `laurel_migrations`, mapped to today's names. The new numbers follow the order in which the
 * scripts were added to the repository, which is the order an upgraded database ran them in.
 * Frozen: a new migration never needs an entry here.
 */
export const LEGACY_MIGRATION_NAMES: Readonly<Record<string, string>> = {
  '0100_accounts': '0001_accounts',
  '0200_orgs': '0002_orgs',
  '0500_issuing': '0003_issuing',
  '0201_org_keys_invitations': '0004_org_keys_invitations',
  '0400_badge_templates': '0005_badge_templates',
  '0101_login_limits': '0006_login_limits',
  '0300_jobs_outbox': '0007_jobs_outbox',
  '0102_merge_tokens': '0008_merge_tokens',
  '0600_wallet': '0009_wallet',
  '0310_mail_blobs': '0010_mail_blobs',
  '0501_award_claim_tokens': '0011_award_claim_tokens',
  '0301_job_leases': '0012_job_leases',
  '0311_mail_delivery': '0013_mail_delivery',
  '0312_mail_retried_for_days': '0014_mail_retried_for_days',
};
