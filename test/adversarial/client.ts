// SPDX-License-Identifier: Apache-2.0
/**
 * The suite's HTTP client: raw bytes in, status/headers/text and elapsed time out, over a
 * keep-alive agent. Built on node:http because fetch refuses some of what the fuzzer sends
 * (bodies on GET, hostile Host headers, invalid UTF-8) and cannot trust a self-signed CA.
 */
import { Agent, request as plainRequest } from 'node:http';
import { Agent as TlsAgent, request as tlsRequest } from 'node:https';

export interface Sent {
  readonly method: string;
  /** Path and query, already encoded (sent as is). */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Buffer | string;
}

export interface Received {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly ms: number;
}

export interface Client {
  send(req: Sent, timeoutMs?: number): Promise<Received>;
  close(): void;
}

/** A client for `origin`, with up to `sockets` connections kept open. */
export function makeClient(origin: string, sockets: number, ca?: Buffer): Client {
  const url = new URL(origin);
  const tls = url.protocol === 'https:';
  const agent = tls
    ? new TlsAgent({ keepAlive: true, maxSockets: sockets, ...(ca ? { ca } : {}) })
    : new Agent({ keepAlive: true, maxSockets: sockets });
  const send = (req: Sent, timeoutMs = 60_000): Promise<Received> =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const doRequest = tls ? tlsRequest : plainRequest;
      const r = doRequest(
        {
          host: url.hostname,
          port: url.port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            });
          });
          res.on('error', reject);
        },
      );
      r.setTimeout(timeoutMs, () => {
        r.destroy(new Error(`no answer in ${timeoutMs} ms`));
      });
      r.on('error', (e: NodeJS.ErrnoException) => {
        // A kept-alive socket the server closed while it sat idle (e.g. while the run waits for
        // the host to catch up): the request never reached the server; send it again on a new
        // socket, as Node's documentation advises for `reusedSocket`.
        if (r.reusedSocket && e.code === 'ECONNRESET') send(req, timeoutMs).then(resolve, reject);
        else reject(e);
      });
      r.end(req.body);
    });
  return {
    send,
    close: () => {
      agent.destroy();
    },
  };
}

/** Seeded PRNG (mulberry32): the same seed gives the same request sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percentile (0–100) of a list of numbers; 0 for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((x, y) => x - y);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx] ?? 0;
}

/** Basic credentials header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
