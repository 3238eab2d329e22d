/*
 * Several Laurel processes on one PostgreSQL database, as on several machines: two `laurel serve`
 * (A with the job worker, B web only) and one `laurel worker` (W), real processes of the real bin,
 * with a real SMTP server on 127.0.0.1. A 10,000-row bulk job is uploaded through B, confirmed
 * through A and followed through B while A's server is killed with SIGKILL in the middle (its
 * supervisor starts another). Every award is issued once and every email delivered once, and A
 * and W share the work. Then a badge revoked through A shows revoked on the very next request at
 * B, and a verifier budget spent through A is spent at B.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../test/ports.ts';
import { makeUser } from '../accounts/testing.ts';
import { makeApiKey } from '../apikeys/testing.ts';
import { acceptClaim } from '../claims/service.ts';
import { testConfig } from '../config.ts';
import { type DatabaseHandle, openPostgres } from '../db/index.ts';
import { migrate } from '../db/migrate.ts';
import { createPostgresDatabase } from '../db/testing.ts';
import { createAppContext } from '../features.ts';
import type { AppContext } from '../http/context.ts';
import { multipart } from '../http/testing.ts';
import { csvOf, emailsPerAward } from '../issuing/test-support.ts';
import { issueTestAward } from '../issuing/testing.ts';
import { csrfPair, makeMember, makeOrg } from '../orgs/testing.ts';
import { makeTemplate } from '../templates/testing.ts';
import { setVisibility } from '../wallet/service.ts';
import { LAUREL_BIN, runLaurel, tempDir } from './testing.ts';

const ROWS = 10_000;
const SECRET = 'ab'.repeat(32);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * An SMTP server that only counts: the Message-IDs each recipient was sent, and every delivery
 * (parsing 10,000 messages would cost more than the rest of the test).
 */
async function countingSmtp() {
  const idsByRecipient = new Map<string, Set<string>>();
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let head = '';
      stream.on('data', (chunk: Buffer) => {
        if (head.length < 8192) head += chunk.toString('latin1');
      });
      stream.on('end', () => {
        received++;
        const id = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? '';
        for (const r of session.envelope.rcptTo) {
          const ids = idsByRecipient.get(r.address) ?? new Set<string>();
          idsByRecipient.set(r.address, ids.add(id));
        }
        callback();
      });
    },
  });
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  return {
    port: (server.server.address() as AddressInfo).port,
    idsByRecipient,
    received: () => received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A Laurel process of the real bin (a supervisor and its child); `log` gathers its output. */
interface Proc {
  name: string;
  proc: ChildProcess;
  log: string;
  exited: Promise<unknown>;
}

function laurel(name: string, args: string[], env: NodeJS.ProcessEnv): Proc {
  const proc = spawn(process.execPath, [LAUREL_BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = { name, proc, log: '', exited: once(proc, 'exit') };
  proc.stdout!.on('data', (d) => (p.log += d));
  proc.stderr!.on('data', (d) => (p.log += d));
  return p;
}

/** JSON log lines of a process that say `msg`. */
const lines = (p: Proc, msg: string) =>
  p.log
    .split('\n')
    .filter((l) => l.startsWith('{') && l.includes(msg))
    .map((l) => JSON.parse(l));

async function until<T>(what: string, procs: Proc[], f: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const got = await f();
    if (got !== undefined) return got;
    for (const p of procs)
      if (p.proc.exitCode !== null) throw new Error(`${p.name} exited while waiting for ${what}:\n${p.log}`);
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what}:\n${procs.map((p) => `${p.name}: ${p.log.slice(-3000)}`).join('\n')}`,
      );
    await sleep(200);
  }
}

describe('several Laurel processes on one PostgreSQL database', () => {
  const procs: Proc[] = [];
  let handle: DatabaseHandle | undefined;
  let ctx: AppContext | undefined;
  let smtp: Awaited<ReturnType<typeof countingSmtp>> | undefined;
  const dir = tempDir('laurel-processes-');
  afterAll(async () => {
    for (const p of procs) if (p.proc.exitCode === null) p.proc.kill('SIGKILL');
    await ctx?.runtime.close();
    await handle?.close();
    await smtp?.close();
  });

  it('share one bulk job, each award and email once through a kill -9, and see revocations and limits at once', async () => {
    const url = await createPostgresDatabase();
    handle = await openPostgres(url);
    await migrate(handle);
    smtp = await countingSmtp();
    const [portA, portB] = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${portA}`;
    const config = testConfig({ secret: Buffer.from(SECRET, 'hex'), baseUrl: publicUrl });
    ctx = createAppContext(handle.db, config);
    const org = await makeOrg(ctx.db, { config });
    const template = await makeTemplate(ctx, org);
    const issuer = await makeMember(ctx.db, org, 'issuer');
    const csrf = csrfPair(config);
    const cookie = `laurel_session=${issuer.cookies.laurel_session}; laurel_csrf=${csrf.cookie}`;

    const env = {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: dir,
      LAUREL_SECRET: SECRET,
      PUBLIC_URL: publicUrl,
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      HOST: '127.0.0.1',
      WEB_CONCURRENCY: '1',
    };
    const spawned = performance.now();
    const a = laurel('A', ['serve'], { ...env, PORT: String(portA) });
    const b = laurel('B', ['serve'], { ...env, PORT: String(portB), LAUREL_WORKER: 'off' });
    const w = laurel('W', ['worker'], env);
    procs.push(a, b, w);
    await until('three processes', procs, () =>
      lines(a, 'Laurel is running').length &&
      lines(b, 'Laurel is running').length &&
      lines(w, 'worker is running').length
        ? true
        : undefined,
    );
    const startedIn = (performance.now() - spawned) / 1000;
    const A = `http://127.0.0.1:${portA}`;
    const B = `http://127.0.0.1:${portB}`;

    // Upload through B, confirm through A.
    const started = performance.now();
    const body = multipart([
      { name: '_csrf', value: csrf.token },
      { name: 'templateId', value: template.id },
      { name: 'file', value: csvOf(ROWS), filename: 'members.csv', type: 'text/csv' },
    ]);
    const uploaded = await fetch(`${B}/manage/${org.slug}/bulk`, {
      method: 'POST',
      headers: { cookie, 'content-type': body.contentType },
      body: body.payload,
      redirect: 'manual',
    });
    expect(uploaded.status, await uploaded.text()).toBe(303);
    const batchId = uploaded.headers.get('location')!.split('/').at(-1)!;
    const confirmed = await fetch(`${A}/manage/${org.slug}/bulk/${batchId}/confirm`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf.token }),
      redirect: 'manual',
    });
    expect(confirmed.status).toBe(303);

    // Follow it through B; kill A's server (it runs a worker) once a quarter is issued.
    const progress = async () =>
      (await (
        await fetch(`${B}/manage/${org.slug}/bulk/${batchId}/progress.json`, { headers: { cookie } })
      ).json()) as { issued: number; status: string };
    const killedAt = await until('a quarter issued', procs, async () => {
      const p = await progress();
      return p.issued >= ROWS / 4 ? p.issued : undefined;
    });
    const serverPid = (p: Proc) => Number(lines(p, 'started the Laurel server').at(-1)?.child);
    const killed = serverPid(a);
    process.kill(killed, 'SIGKILL');
    await until('A restarted', procs, () => (lines(a, 'Laurel is running').length === 2 ? true : undefined));
    expect(serverPid(a)).not.toBe(killed);
    await until('the batch done', procs, async () =>
      (await progress()).status === 'done' ? true : undefined,
    );
    const issuedIn = (performance.now() - started) / 1000;
    await until('every email delivered', procs, async () => {
      const { rows } = await sql<{ unsent: number }>`
        SELECT count(*)::int AS unsent FROM emails WHERE sent_at IS NULL`.execute(ctx!.db);
      return rows[0]!.unsent === 0 ? true : undefined;
    });
    const mailedIn = (performance.now() - started) / 1000;

    const { rows } = await sql<{ awards: number; keys: number; unsent: number }>`
      SELECT (SELECT count(*)::int FROM awards WHERE org_id = ${org.id}) AS awards,
             (SELECT count(DISTINCT row_key)::int FROM awards WHERE org_id = ${org.id}) AS keys,
             (SELECT count(*)::int FROM emails WHERE sent_at IS NULL) AS unsent`.execute(ctx.db);
    expect(rows[0]).toEqual({ awards: ROWS, keys: ROWS, unsent: 0 });
    expect(await emailsPerAward(ctx.db, org.id)).toEqual({ awards: ROWS, emails: ROWS, maxPerAward: 1 });
    // Each recipient was sent one message (one Message-ID). A kill -9 between the SMTP server's
    // acceptance and its record in the outbox makes the next worker send that message again, with
    // the same Message-ID (receivers drop it); only mail in flight in the killed process can be.
    expect(smtp.idsByRecipient.size).toBe(ROWS);
    expect([...smtp.idsByRecipient.values()].every((ids) => ids.size === 1)).toBe(true);
    const resent = smtp.received() - ROWS;
    expect(resent).toBeGreaterThanOrEqual(0);
    expect(resent).toBeLessThanOrEqual(2); // MAIL_CONCURRENCY of A

    // A badge revoked through A is revoked at B on the very next request.
    const earner = await makeUser(ctx.db, { email: 'earner@example.org' });
    const shared = await issueTestAward(ctx, { org, template, recipientEmail: earner.email });
    const item = await acceptClaim(ctx, shared.claimToken, earner.id);
    await setVisibility(ctx.db, earner.id, item.id, 'public');
    const page = `${B}/c/${shared.award.id}`;
    const before = await fetch(page);
    expect(before.status).toBe(200);
    expect(await before.text()).not.toContain('The issuer revoked this badge');
    expect((await fetch(`${page}.json`)).status).toBe(200);
    const { key } = await makeApiKey(ctx.db, org, ['awards:revoke']);
    const revoked = await fetch(`${A}/api/v1/orgs/${org.slug}/awards/${shared.award.id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Issued in error' }),
    });
    expect(revoked.status).toBe(200);
    expect(await (await fetch(page)).text()).toContain('The issuer revoked this badge');
    // The credential is served as issued; its status list, read by B's verifier, says revoked.
    const credential = await (await fetch(`${page}.json`)).json();
    const report = (await (
      await fetch(`${B}/api/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credential }),
      })
    ).json()) as { status: string };
    expect(report.status).toBe('revoked');

    // The verifier's budget of this address, spent through A, is spent at B.
    const verify = (base: string) =>
      fetch(`${base}/api/v1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
    let admitted = 0;
    while ((await verify(A)).status !== 429) expect(++admitted).toBeLessThan(40);
    const atB = await verify(B);
    expect(atB.status).toBe(429);
    expect(Number(atB.headers.get('retry-after'))).toBeGreaterThan(0);

    // Stopped in order, each worker says how many jobs it ran: A (since its restart) and W both did.
    for (const p of procs) p.proc.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));
    for (const p of procs) expect(p.proc.exitCode, `${p.name}:\n${p.log}`).toBe(0);
    const ran = (p: Proc) => lines(p, 'background worker stopped').at(-1)?.jobs ?? {};
    const [ranA, ranW] = [ran(a), ran(w)];
    console.log(
      `three processes started in ${startedIn.toFixed(1)} s; ${ROWS} rows: issued in ${issuedIn.toFixed(1)} s, mailed in ${mailedIn.toFixed(1)} s ` +
        `(A killed at ${killedAt} issued; ${resent} message(s) in flight there sent again, same Message-ID); ` +
        `jobs run by A after its restart ${JSON.stringify(ranA)}, by W ${JSON.stringify(ranW)}, by B ${JSON.stringify(ran(b))}`,
    );
    expect(ranA['email.send']).toBeGreaterThan(0);
    expect(ranW['email.send']).toBeGreaterThan(0);
    expect(lines(b, 'background worker stopped')).toEqual([]);
  }, 600_000);

  it('WEB_CONCURRENCY=2: two server processes answer on one port, one with the worker, each restarted on its own', async () => {
    const url = await createPostgresDatabase();
    const port = await freePort();
    const s = laurel('S', ['serve'], {
      ...process.env,
      DATABASE_URL: url,
      DATA_DIR: dir,
      LAUREL_SECRET: SECRET,
      SMTP_URL: '',
      HOST: '127.0.0.1',
      PORT: String(port),
      WEB_CONCURRENCY: '2',
    });
    procs.push(s);
    const running = () => lines(s, 'Laurel is running');
    await until('two server processes', [s], () => (running().length === 2 ? true : undefined));
    expect(
      running()
        .map((l) => l.worker)
        .sort(),
    ).toEqual([false, true]);
    // A new connection each time: the supervisor hands connections to the processes in turn.
    const livez = async () =>
      (
        await fetch(`http://127.0.0.1:${port}/livez`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(10_000),
        })
      ).status;
    for (let i = 0; i < 6; i++) expect(await livez()).toBe(200);
    const answeredBy = new Set(
      s.log
        .split('\n')
        .filter((l) => l.includes('"/livez"'))
        .map((l) => JSON.parse(l).pid),
    );
    expect(answeredBy.size).toBe(2);

    const [first, second] = lines(s, 'started the Laurel server').map((l) => Number(l.child));
    process.kill(second!, 'SIGKILL');
    const death = `the Laurel server (pid ${second}) was killed by SIGKILL; restarting it in 1 s`;
    // Once the supervisor knows (a connection handed over in the instant of the death is lost with
    // it, as with any process that dies), the other process takes every connection.
    await until('the death noticed', [s], () => (s.log.includes(death) ? true : undefined));
    for (let i = 0; i < 4; i++) expect(await livez()).toBe(200);
    await until('the second restarted', [s], () => (running().length === 3 ? true : undefined));
    expect(lines(s, 'started the Laurel server').at(-1)?.msg).toMatch(/, 2 of 2$/);
    process.kill(first!, 0); // the first never stopped
    s.proc.kill('SIGTERM');
    await s.exited;
    expect(s.proc.exitCode).toBe(0);
  }, 240_000);

  it('refuses WEB_CONCURRENCY above 1 on PGlite before starting anything', async () => {
    const run = await runLaurel(['serve'], {
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, LAUREL_SECRET: SECRET, WEB_CONCURRENCY: '2' },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WEB_CONCURRENCY=2 needs PostgreSQL');
    expect(run.stdout).not.toContain('started the Laurel server');
  });
});
