/**
 * Periodic work. Every worker enqueues each task once per period under the dedupe key
 * `periodic:<kind>:<period number>`, so several processes together enqueue it once.
 * One line per task; the kind needs a handler in handlers.ts.
 */
export const periodicTasks: { kind: string; everyMs: number }[] = [
  { kind: 'maintenance.cleanup', everyMs: 60 * 60_000 },
  { kind: 'claims.reminders', everyMs: 60 * 60_000 },
  { kind: 'wallet.expiry-notices', everyMs: 6 * 60 * 60_000 },
];
