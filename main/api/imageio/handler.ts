// SPDX-License-Identifier: Apache-2.0
/**
 * The imageio data plane: the HTTP subset of oVirt's imageio daemon that its documented
 * clients use (`ovirt_imageio.client`, the SDK examples, Ansible `ovirt_disk`, and plain
 * `curl`/`fetch`), served by the engine under `/images/<ticket>`.
 *
 * - `OPTIONS` → Allow + JSON features; `GET` (one Range → 206); `GET …/extents`;
 *   `PUT` with `Content-Range` and a mandatory `Content-Length` (`?flush=y|n`);
 *   `PATCH` JSON `zero` / `flush`.
 * - The ticket UUID is the only credential (no engine login on this path, as in oVirt);
 *   the engine is asked on every request, so expired, revoked (finalize/cancel) or unknown
 *   tickets get 403 at once.
 * - Errors are plain text: 403 ticket, 416 past the end, 400 bad request, 405 method.
 * - Bodies stream straight to/from the ticket's file; a request never writes past the
 *   ticket's size.
 *
 * @see ../../../../shared/reference/ovirt-guests-api.md §3
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';

import { discardBody, readBody } from '../http';
import { contentRangeStart, parseRange } from './ranges';
import type { ImageTickets, TicketInfo } from './tickets';
import { flushFile, readRange, ShortBodyError, writeAt, zeroAt } from './volume-io';

export const IMAGES_PREFIX = '/images/';

/**
 * One writer per ticket: imageio only advertises more when parallel writers are safe, and
 * with a single staging file and progress counted per request, one is what we can promise.
 */
const MAX_WRITERS = 1;
const MAX_READERS = 8;
/** PATCH bodies are a few dozen bytes of JSON. */
const PATCH_LIMIT = 4096;

/** How often a streaming request reports progress to the engine. */
const REPORT_INTERVAL_MS = 1000;

const TICKET = /^[A-Za-z0-9-]{1,100}$/;

/** A plain-text answer, as imageio gives its errors. */
function text(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(`${message}\n`, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function json(res: ServerResponse, status: number, value: unknown, headers = {}): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(body.length),
    ...headers,
  });
  res.end(body);
}

/** A 4xx answer that ends the request. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function allowOf(ticket: TicketInfo): string {
  return ticket.writable ? 'GET,PUT,PATCH,OPTIONS' : 'GET,OPTIONS';
}

function flushParam(url: URL): boolean {
  const v = url.searchParams.get('flush');
  if (v === null) return true;
  if (v === 'y') return true;
  if (v === 'n') return false;
  throw new HttpError(400, `Invalid flush value: ${v} (expected y or n)`);
}

function checkBounds(ticket: TicketInfo, offset: number, length: number): void {
  if (offset + length > ticket.size) {
    throw new HttpError(
      416,
      `Requested range ${offset}-${offset + length} is past the end of the image (${ticket.size} bytes)`,
      { 'Content-Range': `bytes */${ticket.size}` },
    );
  }
}

/** The data plane's request handler, bound to the engine's tickets. */
export class ImageioHandler {
  /** Bytes moved per ticket (reported to the engine as `transferred`). */
  private readonly moved = new Map<string, number>();
  private readonly writers = new Map<string, number>();
  private readonly reported = new Map<string, number>();

  constructor(private readonly tickets: ImageTickets) {}

  /** Handles one request under `/images/`. Never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      // The client went away (mid-body or mid-download): nobody is left to answer.
      if (res.headersSent || req.socket.destroyed) {
        res.destroy();
        return;
      }
      // Whatever the client still sends is not read: close instead of waiting for it.
      const close = req.complete ? {} : { Connection: 'close' };
      if (err instanceof HttpError) {
        text(req, res, err.status, err.message, { ...err.headers, ...close });
      } else if (err instanceof ShortBodyError) {
        text(req, res, 400, err.message, { Connection: 'close' });
      } else if (err instanceof RangeError) {
        text(req, res, 400, err.message, { Connection: 'close' });
      } else {
        // A file error: imageio's 500 tells the client to resend since its last flush.
        console.error('[imageio] request failed', err);
        text(req, res, 500, 'Internal error while accessing the image', close);
      }
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.slice(IMAGES_PREFIX.length).split('/');
    const [id = '', sub, ...rest] = parts;
    const method = req.method ?? 'GET';
    if (id === '*' && sub === undefined && method === 'OPTIONS') {
      // Server-wide options (imageio answers them without a ticket).
      json(
        res,
        200,
        {
          features: ['extents', 'zero', 'flush'],
          max_readers: MAX_READERS,
          max_writers: MAX_WRITERS,
        },
        { Allow: 'GET,PUT,PATCH,OPTIONS' },
      );
      return;
    }
    if (!TICKET.test(id) || rest.length > 0 || (sub !== undefined && sub !== 'extents')) {
      throw new HttpError(404, 'No such resource');
    }
    const ticket = await this.tickets.lookup(id);
    if (ticket === null) {
      // An ended ticket never comes back: forget its counters.
      this.moved.delete(id);
      this.reported.delete(id);
      throw new HttpError(
        403,
        `You are not allowed to access this resource: no valid ticket ${id}`,
      );
    }
    if (sub === 'extents') {
      if (method !== 'GET') throw new HttpError(405, 'Method not allowed', { Allow: 'GET' });
      this.extents(url, ticket, res);
      return;
    }
    switch (method) {
      case 'OPTIONS':
        json(
          res,
          200,
          {
            features: ticket.writable ? ['extents', 'zero', 'flush'] : ['extents'],
            max_readers: MAX_READERS,
            max_writers: ticket.writable ? MAX_WRITERS : 0,
          },
          { Allow: allowOf(ticket) },
        );
        return;
      case 'GET':
        await this.get(id, ticket, req, res);
        return;
      case 'PUT':
        this.mustWrite(ticket);
        await this.put(id, ticket, url, req, res);
        return;
      case 'PATCH':
        this.mustWrite(ticket);
        await this.patch(ticket, req, res);
        return;
      default:
        throw new HttpError(405, `Method not allowed: ${method}`, { Allow: allowOf(ticket) });
    }
  }

  private mustWrite(ticket: TicketInfo): void {
    if (!ticket.writable) {
      throw new HttpError(
        403,
        'You are not allowed to access this resource: the ticket is read-only',
      );
    }
  }

  private extents(url: URL, ticket: TicketInfo, res: ServerResponse): void {
    const context = url.searchParams.get('context') ?? 'zero';
    // `dirty` extents exist only for incremental backups, which this engine does not do.
    if (context !== 'zero') throw new HttpError(404, `No extents for context ${context}`);
    // Without an allocation map from the host, the whole image is one data extent: always
    // correct, merely not sparse-aware.
    const list =
      ticket.size === 0 ? [] : [{ start: 0, length: ticket.size, zero: false, hole: false }];
    json(res, 200, list);
  }

  /**
   * Adds moved bytes; while a long request streams, the engine hears of them about once a
   * second, which also keeps the transfer's inactivity timer from firing mid-request.
   */
  private count(id: string, bytes: number): void {
    this.moved.set(id, (this.moved.get(id) ?? 0) + bytes);
    const now = Date.now();
    if (now - (this.reported.get(id) ?? 0) >= REPORT_INTERVAL_MS) this.report(id);
  }

  private report(id: string): void {
    this.reported.set(id, Date.now());
    this.tickets.progress(id, this.moved.get(id) ?? 0).catch((err: unknown) => {
      console.error('[imageio] progress report failed', err);
    });
  }

  private async get(
    id: string,
    ticket: TicketInfo,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const header = req.headers.range;
    let start = 0;
    let end = ticket.size - 1;
    let partial = false;
    if (header !== undefined) {
      const range = parseRange(header, ticket.size);
      if (range === 'malformed') throw new HttpError(400, `Invalid Range header: ${header}`);
      if (range === 'unsatisfiable') {
        throw new HttpError(416, `Requested range not satisfiable: ${header}`, {
          'Content-Range': `bytes */${ticket.size}`,
        });
      }
      ({ start, end } = range);
      partial = true;
    }
    const length = Math.max(0, end - start + 1);
    const body = await readRange(ticket.path, start, end);
    const headers: Record<string, string> = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(length),
      'Accept-Ranges': 'bytes',
    };
    if (partial) headers['Content-Range'] = `bytes ${start}-${end}/*`;
    res.writeHead(partial ? 206 : 200, headers);
    if (req.method === 'HEAD') {
      body.destroy();
      res.end();
      return;
    }
    body.on('data', (chunk: Buffer) => {
      this.count(id, chunk.length);
    });
    try {
      await pipeline(body, res);
    } finally {
      this.report(id);
    }
  }

  private async put(
    id: string,
    ticket: TicketInfo,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const flush = flushParam(url);
    const declared = req.headers['content-length'];
    if (declared === undefined || !/^\d{1,16}$/.test(declared)) {
      throw new HttpError(400, 'Content-Length header is required');
    }
    const length = Number(declared);
    const offset = contentRangeStart(req.headers['content-range']);
    if (offset === null) {
      throw new HttpError(
        400,
        `Invalid Content-Range header: ${req.headers['content-range'] ?? ''}`,
      );
    }
    checkBounds(ticket, offset, length);
    const writing = this.writers.get(id) ?? 0;
    if (writing >= MAX_WRITERS) {
      throw new HttpError(409, `Too many writers for this ticket (max_writers ${MAX_WRITERS})`);
    }
    this.writers.set(id, writing + 1);
    try {
      await writeAt(
        ticket.path,
        offset,
        length,
        req,
        (n) => {
          this.count(id, n);
        },
        flush,
      );
    } finally {
      this.writers.set(id, (this.writers.get(id) ?? 1) - 1);
      this.report(id);
    }
    text(req, res, 200, 'OK');
  }

  private async patch(
    ticket: TicketInfo,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    let raw: string;
    try {
      raw = (await readBody(req, PATCH_LIMIT)).toString('utf8');
    } catch {
      await discardBody(req, 0);
      throw new HttpError(400, `PATCH body must be JSON of at most ${PATCH_LIMIT} bytes`);
    }
    let msg: unknown;
    try {
      msg = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'PATCH body is not valid JSON');
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
      throw new HttpError(400, 'PATCH body must be a JSON object');
    }
    const m = msg as Record<string, unknown>;
    const intOf = (key: string, fallback?: number): number => {
      const v = m[key];
      if (v === undefined && fallback !== undefined) return fallback;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw new HttpError(400, `Invalid or missing "${key}": must be a non-negative integer`);
      }
      return v;
    };
    const flagOf = (key: string, fallback: boolean): boolean => {
      const v = m[key];
      if (v === undefined) return fallback;
      if (typeof v !== 'boolean') throw new HttpError(400, `Invalid "${key}": must be a boolean`);
      return v;
    };
    if (m.op === 'zero') {
      const size = intOf('size');
      const offset = intOf('offset', 0);
      const flush = flagOf('flush', false);
      checkBounds(ticket, offset, size);
      await zeroAt(ticket.path, offset, size, flush);
    } else if (m.op === 'flush') {
      await flushFile(ticket.path);
    } else {
      throw new HttpError(400, `Unsupported PATCH operation: ${JSON.stringify(m.op ?? null)}`);
    }
    text(req, res, 200, 'OK');
  }
}
