// SPDX-License-Identifier: Apache-2.0
/** Small node:http helpers shared by the REST API, the SSO endpoints and the RPC transport. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Default request body limit (oVirt bodies are small; uploads are not part of this API). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Thrown when a body exceeds its limit; each transport renders it its own way (413). */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length above the limit is
 * refused before reading; a chunked body is cut off as soon as it crosses the limit.
 */
export async function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) {
    req.resume();
    throw new BodyTooLargeError(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw new BodyTooLargeError(limit);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Consumes what is left of a request body, so the connection can carry the next request.
 * Returns false when the connection must close instead: the body did not arrive within
 * `waitMs`, or exceeded `limit`. libsoup (libgovirt) announces a `Content-Length` on GET
 * but, when it re-sends a request after the 401 challenge, sends no body; waiting would hang
 * and reading on would swallow the next request, so such connections are closed.
 */
export async function discardBody(
  req: IncomingMessage,
  waitMs: number,
  limit = DEFAULT_BODY_LIMIT,
): Promise<boolean> {
  if (req.complete || req.readableEnded) return true;
  if (waitMs <= 0) return false;
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => {
      resolve(false);
    }, waitMs);
  });
  const drained = (async (): Promise<boolean> => {
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > limit) return false;
      }
      return true;
    } catch {
      return false;
    }
  })();
  try {
    return await Promise.race([drained, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The media type of a request's Content-Type, lower-cased, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Writes a complete response (no body for HEAD). */
export function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: string | Buffer = '',
): void {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...headers, 'Content-Length': String(payload.length) });
  res.end(req.method === 'HEAD' ? undefined : payload);
}

/** Sends a JSON document (SSO, RPC). */
export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  send(req, res, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

/** Parses a Cookie header into name → value. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return out;
}

/** True when the `Prefer` header lists `token` (e.g. `persistent-auth`). */
export function prefers(req: IncomingMessage, token: string): boolean {
  const header = req.headers.prefer;
  const all = Array.isArray(header) ? header.join(',') : (header ?? '');
  return all
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes(token);
}
