import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';

/** A loopback port nothing listens on now: for a server a test is about to start, or to be refused. */
export async function freePort(): Promise<number> {
  const s = createServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}
