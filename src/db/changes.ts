// What each process hears of the changes committed to the database, so it can keep answers in
// memory and still never serve one that a change has made stale. Triggers announce every change
// to the rows public views are made from on the `laurel_changes` channel (the public feature's
// migration 0015); this module listens: on PGlite through the client itself (the notification
// arrives before the query that caused it returns), on PostgreSQL on a connection of its own.
//
// The rule for a cache: take `stamp()` before reading, keep the stamp and the keys of what was
// read beside the answer, and serve the answer again only while `fresh(stamp, keys)` after
// `settle()`. A change heard after the stamp (during the read or later) makes it stale; while the
// feed is not listening (not yet connected, or the connection dropped) nothing is fresh.
import pg from 'pg';

export const CHANGES_CHANNEL = 'laurel_changes';
export const LISTENER_NAME = 'laurel changes';
/** Keys remembered one by one; past this, the feed forgets them all and calls everything stale. */
const MAX_KEYS = 10_000;

/** How a database delivers notifications: `onMessage` per payload, `onLive` as listening starts and stops. */
export type Listen = (
  channel: string,
  onMessage: (payload: string) => void,
  onLive: (live: boolean) => void,
) => { close(): Promise<void>; sync?(): Promise<void> };

export class ChangeFeed {
  #seq = 0;
  /** The sequence number of the last change to everything (or of the last time the feed was deaf). */
  #everything = 0;
  #keys = new Map<string, number>();
  #live = false;
  #listening: ReturnType<Listen> | undefined;

  constructor(readonly listen: Listen | undefined) {}

  /** Starts listening (once); until the database confirms, nothing is fresh. */
  start(): this {
    if (!this.#listening && this.listen)
      this.#listening = this.listen(
        CHANGES_CHANNEL,
        (p) => this.heard(p),
        (live) => this.#setLive(live),
      );
    return this;
  }

  get live(): boolean {
    return this.#live;
  }

  /** To be taken before reading what will be kept. */
  stamp(): number {
    return this.#seq;
  }

  /** Whether nothing about `keys` (`table:id`) changed since `stamp` was taken. */
  fresh(stamp: number, keys: readonly string[]): boolean {
    if (!this.#live || this.#everything > stamp) return false;
    for (const key of keys) if ((this.#keys.get(key) ?? 0) > stamp) return false;
    return true;
  }

  /** A payload from the channel: `table:id`, or `*` for everything. */
  heard(payload: string): void {
    this.#seq++;
    if (payload === '*' || this.#keys.size >= MAX_KEYS) this.#forgetAll();
    else this.#keys.set(payload, this.#seq);
  }

  /** True on PostgreSQL, where notifications reach this process some time after their commit. */
  get needsSettle(): boolean {
    return this.#listening?.sync !== undefined;
  }

  /**
   * Resolves once this process has heard every change committed before the call: on PGlite at
   * once (notifications arrive with the query that caused them), on PostgreSQL after a round trip
   * through the listening connection. A cache asks before serving what it kept, so a change
   * committed by any process before a request arrived is heard before that request is answered.
   * Concurrent callers share round trips: one in flight, and one queued for those who came after
   * it started (a round trip that began before the call proves nothing about it).
   */
  settle(): Promise<void> {
    if (!this.needsSettle) return Promise.resolve();
    if (!this.#inFlight) return this.#startSettling();
    this.#queued ??= this.#inFlight.then(() => {
      this.#queued = undefined;
      return this.#startSettling();
    });
    return this.#queued;
  }

  #inFlight: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  #startSettling(): Promise<void> {
    const round = (this.#listening?.sync?.() ?? Promise.resolve()).finally(() => {
      if (this.#inFlight === round) this.#inFlight = undefined;
    });
    this.#inFlight = round;
    return round;
  }

  async close(): Promise<void> {
    const listening = this.#listening;
    this.#listening = undefined;
    this.#setLive(false);
    await listening?.close();
  }

  #setLive(live: boolean): void {
    // Whatever was kept before a gap may have missed a change announced during it.
    this.#seq++;
    this.#forgetAll();
    this.#live = live;
  }

  #forgetAll(): void {
    this.#everything = this.#seq;
    this.#keys.clear();
  }
}

/** How long a settling round trip may take before its connection counts as lost. */
const SYNC_TIMEOUT_MS = 3_000;

/** Reconnection pauses of a PostgreSQL listener, one per failure in a row (the last repeats). */
const RECONNECT_MS = [100, 500, 1_000, 2_000, 5_000];

/**
 * LISTEN on a connection of its own, reconnecting after a loss. `sync` sends a notification of
 * its own through the same connection and resolves when it comes back: PostgreSQL delivers a
 * listener's notifications in commit order, so everything committed before has been heard.
 */
export function listenPostgres(url: string): Listen {
  return (channel, onMessage, onLive) => {
    let client: pg.Client | undefined;
    let closed = false;
    let failures = 0;
    let timer: NodeJS.Timeout | undefined;
    let nonce = 0;
    /** LISTEN confirmed on `client`: before that, a notification sent through it never comes back. */
    let listening = false;
    const waiting = new Map<string, () => void>();
    const syncPrefix = `sync:${process.pid}:${Math.random().toString(36).slice(2)}:`;

    const lost = (c: pg.Client) => {
      if (client !== c) return;
      client = undefined;
      onLive(false);
      for (const resolve of waiting.values()) resolve();
      waiting.clear();
      c.end().catch(() => {});
      if (!closed) {
        timer = setTimeout(connect, RECONNECT_MS[Math.min(failures++, RECONNECT_MS.length - 1)]);
        timer.unref();
      }
    };
    const connect = () => {
      const c = new pg.Client({
        connectionString: url,
        keepAlive: true,
        connectionTimeoutMillis: 5_000,
        // How an operator tells it apart in pg_stat_activity (and how the tests find it).
        application_name: LISTENER_NAME,
      });
      client = c;
      listening = false;
      c.on('error', () => lost(c));
      c.on('end', () => lost(c));
      c.on('notification', (n) => {
        const payload = n.payload ?? '';
        const resolve = waiting.get(payload);
        if (resolve) {
          waiting.delete(payload);
          resolve();
        } else if (!payload.startsWith('sync:')) onMessage(payload);
      });
      c.connect()
        .then(() => c.query(`LISTEN ${channel}`))
        .then(() => {
          if (client !== c || closed) return;
          failures = 0;
          listening = true;
          onLive(true);
        })
        .catch(() => lost(c));
    };
    connect();
    return {
      async sync() {
        const c = client;
        // Not listening yet: the feed is not live, so nothing kept is served and there is nothing
        // to settle (a sync sent before LISTEN would wait forever, and every later one behind it).
        if (!c || !listening) return;
        const payload = `${syncPrefix}${nonce++}`;
        const heard = new Promise<void>((resolve) => waiting.set(payload, resolve));
        // A lost connection resolves the wait too (the feed is deaf then, so nothing is served stale).
        await c.query('SELECT pg_notify($1, $2)', [channel, payload]).catch(() => lost(c));
        // A connection that stops delivering without closing is treated as lost: no wait hangs.
        const stuck = setTimeout(() => lost(c), SYNC_TIMEOUT_MS);
        await heard;
        clearTimeout(stuck);
      },
      async close() {
        closed = true;
        clearTimeout(timer);
        const c = client;
        client = undefined;
        for (const resolve of waiting.values()) resolve();
        await c?.end().catch(() => {});
      },
    };
  };
}

/** LISTEN through a PGlite client (its notifications arrive before the query that caused them returns). */
export function listenPglite(client: {
  listen(channel: string, cb: (payload: string) => void): Promise<() => Promise<void>>;
}): Listen {
  return (channel, onMessage, onLive) => {
    let unlisten: Promise<() => Promise<void>> | undefined = client.listen(channel, onMessage);
    unlisten.then(
      () => onLive(true),
      () => onLive(false),
    );
    return {
      async close() {
        const u = unlisten;
        unlisten = undefined;
        await (await u?.catch(() => undefined))?.().catch(() => {});
      },
    };
  };
}

/*
 * The feed of each open database, found from its Kysely instance (as livenessOf finds its
 * liveness): the context carries `db`, not the handle. A Kysely instance not opened by
 * openDatabase gets a feed that never listens, so caches on it never serve from memory.
 */
const feeds = new WeakMap<object, ChangeFeed>();

export function attachChangeFeed(db: object, listen: Listen): ChangeFeed {
  const feed = new ChangeFeed(listen);
  feeds.set(db, feed);
  return feed;
}

/** The change feed of `db`, listening from the first call on. */
export function changesOf(db: object): ChangeFeed {
  let feed = feeds.get(db);
  if (!feed) {
    feed = new ChangeFeed(undefined);
    feeds.set(db, feed);
  }
  return feed.start();
}
