/**
 * Every option that reads the time takes a clock, `now: () => Date`, so callers and tests pass
 * the same thing everywhere; this reads the caller's clock, or the system's when none was given.
 */
export const readClock = (now: (() => Date) | undefined): Date => (now ? now() : new Date());
