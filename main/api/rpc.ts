// SPDX-License-Identifier: Apache-2.0
/**
 * The typed contract over HTTP, for the web UI in browser (headless) mode. Same operations,
 * same envelopes as Electron IPC; only the transport differs.
 *
 * ## Authentication
 * Every `/rpc/*` request needs `Authorization: Bearer <token>`, the token coming from the SSO
 * endpoint (`POST /ovirt-engine/sso/oauth/token`, form `grant_type=password&scope=ovirt-app-api
 * &username=admin@internal&password=…` → JSON `{access_token}`). Basic auth works too.
 * `EventSource` cannot set headers, so the two streaming GETs also accept `?access_token=`.
 * Without valid credentials: `401` with JSON `{ ok: false, error: { code:
 * 'USER_NOT_AUTHENTICATED', … } }`.
 *
 * ## Operations
 * `POST /rpc/<OpName>` with a JSON body = the op's input (`{}` when it has none).
 * The answer is always `200` with the contract's envelope as JSON:
 * `{ "ok": true, "result": … }` or `{ "ok": false, "error": { code, category, reason,
 * messages, fields? } }` — clients rethrow it as `EngineError`. Transport-level problems use
 * the same error shape with a non-200 status: unknown op `404` (`UNKNOWN_OPERATION`), body
 * not JSON `400` (`INVALID_INPUT`), a body without `Content-Type: application/json` `415`
 * (`UNSUPPORTED_MEDIA_TYPE`), body over 1 MiB `413` (`REQUEST_TOO_LARGE`), not `POST` `405`,
 * too many failed logins from the address `429` (`LOGIN_THROTTLED`, `Retry-After`). Optional header `X-Correlation-Id` is stored with the audit entries.
 *
 * ## Events
 * `GET /rpc/events` is a Server-Sent Events stream: each engine event (`EngineEvent`,
 * main/contract/events.ts) is one `data: <json>` message with `event: engine`; a comment
 * line `: keep-alive` every 25 s.
 *
 * ## Serial console
 * `GET /rpc/console/<vmId>` opens the VM's serial console as an SSE stream:
 * first `event: open` with `data: {"sessionId": "…"}`, then `event: data` messages whose
 * `data` is a JSON string of console output, and `event: exit` with `{"exitCode": n}` at the
 * end. If the console cannot be opened the stream sends one `event: error` with the error
 * envelope and closes. Input and resizing go to
 * `POST /rpc/console/<sessionId>/input` with `{"data": "…"}` and
 * `POST /rpc/console/<sessionId>/resize` with `{"cols": n, "rows": n}` (both answer
 * `{ "ok": true, "result": null }`). Closing the stream closes the console session.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { type ErrorBody, errorEnvelope, isOpName } from '../contract';
import { consoleHttpVerbs, consoleInputs, consoleOps } from '../contract/console';
import type { ConsoleSession, Engine } from '../engine/dispatch';
import { type AuthService, LoginThrottled } from './auth';
import { BodyTooLargeError, mediaType, readBody, sendJson } from './http';

export const RPC_PREFIX = '/rpc';

// Faults of the transport itself (auth, paths, bodies) use the contract's envelope builder.
const transportError = errorEnvelope;

/** The RPC transport: invoke, events and consoles. */
export class RpcHandler {
  private readonly consoles = new Map<string, ConsoleSession>();

  constructor(
    private readonly engine: Engine,
    private readonly auth: AuthService,
  ) {}

  /** Handles one request under `/rpc`. Never throws. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      const token = url.searchParams.get('access_token');
      let principal: Parameters<Engine['invoke']>[0] | null;
      try {
        principal =
          token !== null && req.method === 'GET'
            ? this.auth.principalOfToken(token)
            : ((await this.auth.authenticate(req))?.principal ?? null);
      } catch (err) {
        if (!(err instanceof LoginThrottled)) throw err;
        sendJson(
          req,
          res,
          429,
          transportError('LOGIN_THROTTLED', 'NO_AUTHENTICATION', err.message),
          { 'Retry-After': String(err.retryAfterSeconds) },
        );
        return;
      }
      if (principal === null) {
        sendJson(
          req,
          res,
          401,
          transportError(
            'USER_NOT_AUTHENTICATED',
            'NO_AUTHENTICATION',
            'User is not authenticated.',
          ),
        );
        return;
      }
      const parts = url.pathname.slice(RPC_PREFIX.length).split('/').filter(Boolean);
      if (parts[0] === 'events' && parts.length === 1 && req.method === 'GET') {
        this.streamEvents(req, res);
        return;
      }
      if (parts[0] === 'console') {
        await this.console(req, res, parts.slice(1), principal);
        return;
      }
      if (parts.length !== 1) {
        sendJson(
          req,
          res,
          404,
          transportError('UNKNOWN_OPERATION', 'NOT_FOUND', `Unknown path ${url.pathname}`),
        );
        return;
      }
      const op = parts[0] ?? '';
      if (req.method !== 'POST') {
        sendJson(
          req,
          res,
          405,
          transportError('METHOD_NOT_ALLOWED', 'BAD_PARAMETERS', 'Use POST'),
          { Allow: 'POST' },
        );
        return;
      }
      if (!isOpName(op)) {
        sendJson(
          req,
          res,
          404,
          transportError('UNKNOWN_OPERATION', 'NOT_FOUND', `Unknown operation ${op}`),
        );
        return;
      }
      const input = await readJson(req, res);
      if (input === undefined) return;
      const correlationId = req.headers['x-correlation-id'];
      const envelope = await this.engine.invoke(
        principal,
        op,
        input as never,
        typeof correlationId === 'string' ? { correlationId } : {},
      );
      sendJson(req, res, 200, envelope);
    } catch (err) {
      console.error('[rpc] unexpected error', err);
      if (!res.headersSent) {
        sendJson(
          req,
          res,
          500,
          transportError(
            'ENGINE_INTERNAL_ERROR',
            'INTERNAL_ERROR',
            'Internal error; see the engine log.',
          ),
        );
      } else res.destroy();
    }
  }

  private streamEvents(req: IncomingMessage, res: ServerResponse): void {
    openSse(res);
    const unsubscribe = this.engine.subscribe((event) => {
      res.write(`event: engine\ndata: ${JSON.stringify(event)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    req.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }

  private async console(
    req: IncomingMessage,
    res: ServerResponse,
    parts: string[],
    principal: Parameters<Engine['openVmConsole']>[0],
  ): Promise<void> {
    const [id = '', verb] = parts;
    if (req.method === 'GET' && verb === undefined) {
      openSse(res);
      let session: ConsoleSession;
      try {
        session = await this.engine.openVmConsole(principal, id);
      } catch (err) {
        const body =
          (err as { body?: ErrorBody }).body ??
          transportError('ENGINE_INTERNAL_ERROR', 'INTERNAL_ERROR', (err as Error).message).error;
        res.end(`event: error\ndata: ${JSON.stringify({ ok: false, error: body })}\n\n`);
        return;
      }
      const sessionId = randomUUID();
      this.consoles.set(sessionId, session);
      res.write(`event: open\ndata: ${JSON.stringify({ sessionId })}\n\n`);
      const offData = session.onData((data) =>
        res.write(`event: data\ndata: ${JSON.stringify(data)}\n\n`),
      );
      const offExit = session.onExit((exitCode) => {
        res.end(`event: exit\ndata: ${JSON.stringify({ exitCode })}\n\n`);
      });
      req.on('close', () => {
        offData();
        offExit();
        this.consoles.delete(sessionId);
        session.close();
      });
      return;
    }
    if (
      req.method === 'POST' &&
      (verb === consoleHttpVerbs.write || verb === consoleHttpVerbs.resize)
    ) {
      const session = this.consoles.get(id);
      const body = await readJson(req, res);
      if (body === undefined) return;
      if (session === undefined) {
        sendJson(
          req,
          res,
          404,
          transportError('ENTITY_NOT_FOUND', 'NOT_FOUND', 'No such console session'),
        );
        return;
      }
      // The same inputs as over IPC (contract/console.ts), the session id from the path.
      const input = { ...(body as object), sessionId: id };
      const write = consoleInputs[consoleOps.write].safeParse(input);
      const resize = consoleInputs[consoleOps.resize].safeParse(input);
      if (verb === consoleHttpVerbs.write && write.success) session.write(write.data.data);
      else if (verb === consoleHttpVerbs.resize && resize.success) {
        session.resize(resize.data.cols, resize.data.rows);
      } else {
        sendJson(
          req,
          res,
          400,
          transportError('INVALID_INPUT', 'BAD_PARAMETERS', 'Malformed console request'),
        );
        return;
      }
      sendJson(req, res, 200, { ok: true, result: null });
      return;
    }
    sendJson(
      req,
      res,
      404,
      transportError('UNKNOWN_OPERATION', 'NOT_FOUND', 'Unknown console path'),
    );
  }

  /** Closes every open console session (server shutdown). */
  closeAll(): void {
    for (const session of this.consoles.values()) session.close();
    this.consoles.clear();
  }
}

function openSse(res: ServerResponse): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.write(': connected\n\n');
}

/**
 * Reads a JSON body; answers the error itself and returns undefined when it fails. A body
 * must say it is JSON: a browser can send `text/plain` or form bodies to any site without a
 * CORS preflight, so accepting them would let another web page drive the engine (CSRF).
 */
async function readJson(req: IncomingMessage, res: ServerResponse): Promise<unknown> {
  const type = mediaType(req.headers['content-type']);
  const declared = req.headers['content-length'];
  const empty =
    req.headers['transfer-encoding'] === undefined &&
    (declared === undefined || declared.trim() === '0');
  if (type !== 'application/json' && !(type === '' && empty)) {
    req.resume();
    sendJson(
      req,
      res,
      415,
      transportError(
        'UNSUPPORTED_MEDIA_TYPE',
        'BAD_PARAMETERS',
        `Content type '${type}' is not supported; send application/json.`,
      ),
      { Connection: 'close' },
    );
    return undefined;
  }
  let text: string;
  try {
    text = (await readBody(req)).toString('utf8').trim();
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendJson(req, res, 413, transportError('REQUEST_TOO_LARGE', 'BAD_PARAMETERS', err.message));
      return undefined;
    }
    throw err;
  }
  if (text === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    sendJson(
      req,
      res,
      400,
      transportError(
        'INVALID_INPUT',
        'BAD_PARAMETERS',
        `Malformed JSON: ${(err as Error).message}`,
      ),
    );
    return undefined;
  }
}
