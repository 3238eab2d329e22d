// A real SMTP server on 127.0.0.1 for the mail tests, whose behaviour a test can change
// while it runs: accept, hang on DATA, or refuse chosen recipients.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll } from 'vitest';
import type { Config } from '../config.ts';
import type { Db } from '../db/index.ts';
import { createAppContext } from '../features.ts';
import type { AppContext } from '../http/context.ts';
export { freePort } from '../../test/ports.ts';

export interface TestSmtp {
  port: number;
  /** Messages the server accepted (answered 250 after DATA), in order. */
  received: ParsedMail[];
  /** DATA transactions the server has held without an answer. */
  hung: number;
  /** While true, the server reads each message and does not answer it (until release). */
  hang: boolean;
  /** Answers the held transactions whose clients still wait: the server accepts them late. */
  release(): void;
  /** An SMTP reply for a recipient the server refuses (e.g. 550), or undefined to accept. */
  refuse?: (address: string) => { code: number; message: string } | undefined;
  /** How many times each Message-ID was accepted. */
  countsByMessageId(): Map<string, number>;
  close(): Promise<void>;
}

export async function startSmtp(port = 0): Promise<TestSmtp> {
  const held: (() => void)[] = [];
  const gone = new Set<string>();
  const state: TestSmtp = {
    port: 0,
    received: [],
    hung: 0,
    hang: false,
    release() {
      for (const answer of held.splice(0)) answer();
    },
    countsByMessageId() {
      const counts = new Map<string, number>();
      for (const m of state.received) counts.set(m.messageId ?? '', (counts.get(m.messageId ?? '') ?? 0) + 1);
      return counts;
    },
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    // Held connections must not keep a test waiting when it closes the server.
    closeTimeout: 200,
    onClose(session) {
      gone.add(session.id);
    },
    onRcptTo(address, _session, callback) {
      const refusal = state.refuse?.(address.address);
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
    },
    onData(stream, session, callback) {
      const hang = state.hang;
      simpleParser(stream)
        .then((m) => {
          const accept = () => {
            state.received.push(m);
            callback();
          };
          if (!hang) return accept();
          // Held: the client waits for a reply to DATA. A client that gave up has gone.
          held.push(() => !gone.has(session.id) && accept());
          state.hung++;
        })
        .catch(callback);
    },
  });
  server.listen(port, '127.0.0.1');
  await once(server.server, 'listening');
  state.port = (server.server.address() as AddressInfo).port;
  state.close = () => new Promise<void>((r) => server.close(() => r()));
  return state;
}

/**
 * Contexts made on demand for a describe block, and the SMTP servers it starts: all closed after
 * it (each context's runtime holds its pooled SMTP connections).
 */
export function useMailContexts(t: { readonly db: Db }) {
  const servers: { close(): Promise<void> }[] = [];
  const contexts: AppContext[] = [];
  afterAll(async () => {
    for (const ctx of contexts) await ctx.runtime.close();
    for (const s of servers) await s.close();
  });
  return {
    servers,
    context(config: Config): AppContext {
      const ctx = createAppContext(t.db, config);
      contexts.push(ctx);
      return ctx;
    },
  };
}
