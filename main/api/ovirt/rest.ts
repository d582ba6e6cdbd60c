// SPDX-License-Identifier: Apache-2.0
/**
 * The oVirt REST front door (`/ovirt-engine/api[/v4]/…`): version selection, authentication,
 * content negotiation, routing, and rendering of replies and faults. Routes only map
 * documents to contract operations; every rule lives in the engine.
 *
 * Never a 500 page and never HTML: anything unexpected becomes an oVirt fault.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { OpInput, OpName, OpOutput, Principal } from '../../contract';
import { RETRY_AFTER_SECONDS } from '../../contract/errors';
import type { Engine } from '../../engine/dispatch';
import { type AuthService, LoginThrottled } from '../auth';
import {
  BodyTooLargeError,
  DEFAULT_BODY_LIMIT,
  discardBody,
  mediaType,
  readBody,
  send,
} from '../http';
import type { Doc, DocObject } from './doc';
import { actionFaultOf, ApiFault, faultDoc, faultOf, SyntaxFault } from './fault';
import { type InputObject, rootObject } from './input';
import { parseJson } from './json';
import { writeJson } from './json';
import type { Router } from './router';
import { parseXml } from './xml';
import { writeXml } from './xml';

export const API_PREFIX = '/ovirt-engine/api';

/** A handler's answer: a document (or nothing) with a status. */
export interface Reply {
  readonly status: number;
  readonly doc: Doc | null;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The part of the engine REST needs. */
export type RestEngine = Pick<Engine, 'invoke'>;

/** Everything a route handler gets. */
export interface RestContext {
  /** `/ovirt-engine/api` or `/ovirt-engine/api/v4`: hrefs keep the form the client used. */
  readonly base: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly principal: Principal;
  readonly req: IncomingMessage;
  /** Parses the body (XML or JSON) whose XML root must be `root`. */
  input(root: string): Promise<InputObject>;
  /** Invokes an operation; a failed envelope is thrown as the matching fault. */
  call<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>>;
  /** Like `call`, for doAction-style actions: failures come back as a failed `<action>`. */
  action<K extends OpName>(op: K, input: OpInput<K>): Promise<Reply>;
}

export type Handler = (ctx: RestContext) => Promise<Reply>;

/** A path parameter of the matched route ('' when the route has none of that name). */
export function param(ctx: RestContext, name: string): string {
  return ctx.params[name] ?? '';
}

/** `200` with a document. */
export function ok(root: string, body: DocObject): Reply {
  return { status: 200, doc: { root, body } };
}

/** `201 Created` + `Location`. */
export function created(root: string, body: DocObject): Reply {
  const href = typeof body.href === 'string' ? body.href : undefined;
  return { status: 201, doc: { root, body }, ...(href ? { headers: { Location: href } } : {}) };
}

/** A collection: `<networks><network/>…</networks>`, JSON `{"network": […]}`. */
export function collection(root: string, item: string, items: readonly DocObject[]): Reply {
  return ok(root, items.length === 0 ? {} : { [item]: items });
}

/**
 * A sub-collection, or one member of it by id when `id` is given (an unknown id is an empty
 * 404, like any unknown entity): statistics and labels are listed and read this way.
 */
export function collectionOrMember<T extends { readonly id: string }>(
  root: string,
  item: string,
  list: readonly T[],
  id: string | undefined,
  doc: (member: T) => DocObject,
): Reply {
  if (id === undefined) return collection(root, item, list.map(doc));
  const hit = list.find((m) => m.id === id);
  return hit === undefined ? { status: 404, doc: null } : ok(item, doc(hit));
}

/** `<action><status>complete</status></action>` (actions and DELETE answer this, 200). */
export function actionComplete(): Reply {
  return ok('action', { status: 'complete' });
}

export type Format = 'xml' | 'json';

/**
 * XML unless the client asks for JSON: the `accept` query parameter wins over the header
 * (RESTEasy's media-type mapping), and XML is listed first, so `*∕*` means XML.
 */
export function negotiate(req: IncomingMessage, query: URLSearchParams): Format {
  const accept = (query.get('accept') ?? req.headers.accept ?? '').toLowerCase();
  let best: { format: Format; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    const format: Format | null = /\bjson$/.test(type)
      ? 'json'
      : /\bxml$/.test(type)
        ? 'xml'
        : null;
    if (format !== null && (best === null || q > best.q)) best = { format, q };
  }
  return best?.format ?? 'xml';
}

function render(format: Format, doc: Doc): { type: string; body: string } {
  return format === 'json'
    ? { type: 'application/json', body: writeJson(doc) }
    : { type: 'application/xml', body: writeXml(doc) };
}

/** True when the request came over TLS. */
export function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean } | null)?.encrypted === true;
}

/**
 * The `JSESSIONID` cookie of `Prefer: persistent-auth`: never readable by scripts, never sent
 * with a request another site starts (`SameSite=Strict`), and only over TLS when the server
 * speaks TLS.
 */
export function sessionCookie(id: string, tls: boolean): string {
  return `JSESSIONID=${id}; Path=${API_PREFIX}; HttpOnly; SameSite=Strict${tls ? '; Secure' : ''}`;
}

/** Options of the REST front door. */
export interface RestOptions {
  readonly router: Router<Handler>;
  readonly auth: AuthService;
  readonly engine: RestEngine;
  readonly bodyLimit?: number;
  /** Extra handling for `GET/HEAD` of the API root (the Link header). */
  readonly rootLinkHeader?: (base: string, absolute: string) => string;
  /**
   * The origin (`scheme://host:port`) absolute URLs are built from. The server derives it
   * from a Host header it has already checked against its own names; it is never the raw
   * header of the request (DNS rebinding). Default `http://localhost`.
   */
  readonly publicOrigin?: (req: IncomingMessage) => string;
}

/** Handles one request under `/ovirt-engine/api`. Never throws. */
export async function handleRest(
  opts: RestOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const query = url.searchParams;
  const format = negotiate(req, query);
  const headers: Record<string, string | string[]> = {};
  const answer = async (reply: Reply): Promise<void> => {
    // Whatever the handler did not read must be consumed before the connection carries the
    // next request; GET/HEAD/DELETE bodies are never waited for (see discardBody).
    const bodyless = ['GET', 'HEAD', 'DELETE'].includes(req.method ?? 'GET');
    const drained = await discardBody(req, bodyless ? 0 : 2_000);
    const out: Record<string, string | string[]> = { ...headers, ...(reply.headers ?? {}) };
    if (!drained) out.Connection = 'close';
    // 503 = a dependency is temporarily unavailable (errors.ts UNAVAILABLE): say when to retry.
    if (reply.status === 503 && out['Retry-After'] === undefined)
      out['Retry-After'] = String(RETRY_AFTER_SECONDS);
    if (reply.doc === null) {
      send(req, res, reply.status, out);
      return;
    }
    const { type, body } = render(format, reply.doc);
    send(req, res, reply.status, { ...out, 'Content-Type': type }, body);
  };
  try {
    let rest = url.pathname.slice(API_PREFIX.length);
    let base = API_PREFIX;
    const versioned = /^\/v(\d+)(?=\/|$)/.exec(rest);
    if (versioned) {
      // Only v4 exists (v3 was removed in 2019): other versions get a bare 400.
      if (versioned[1] !== '4') {
        await answer({ status: 400, doc: null });
        return;
      }
      base = `${API_PREFIX}/v4`;
      rest = rest.slice(versioned[0].length);
    }
    const versionHeader = req.headers.version;
    if (typeof versionHeader === 'string' && versionHeader.trim() !== '4') {
      await answer({ status: 400, doc: null });
      return;
    }
    const auth = await opts.auth.authenticate(req);
    if (auth === null) {
      await answer({
        status: 401,
        doc: null,
        headers: { 'WWW-Authenticate': 'Basic realm="RESTAPI"' },
      });
      return;
    }
    if (auth.newSession !== undefined) {
      headers['Set-Cookie'] = sessionCookie(auth.newSession, isTls(req));
    }
    const match = opts.router.match(req.method ?? 'GET', rest);
    if (match.kind === 'found') {
      const unsupported = unsupportedMediaType(req);
      if (unsupported !== null) throw unsupported;
    }
    if (match.kind === 'not-found') {
      await answer({ status: 404, doc: null });
      return;
    }
    if (match.kind === 'method-not-allowed') {
      await answer({ status: 405, doc: null, headers: { Allow: match.allow.join(', ') } });
      return;
    }
    const principal = auth.principal;
    const correlation = query.get('correlation_id') ?? undefined;
    const options = correlation === undefined ? {} : { correlationId: correlation };
    const call = async <K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> => {
      const env = await opts.engine.invoke(principal, op, input, options);
      if (!env.ok) throw faultOf(env.error);
      return env.result;
    };
    const ctx: RestContext = {
      base,
      params: match.params,
      query,
      principal,
      req,
      input: (root) => readInput(req, root, opts.bodyLimit ?? DEFAULT_BODY_LIMIT),
      call,
      action: async (op, input) => {
        const env = await opts.engine.invoke(principal, op, input, options);
        if (env.ok) return actionComplete();
        const fault = actionFaultOf(env.error);
        return { status: fault.status, doc: fault.doc };
      },
    };
    const reply = await match.handler(ctx);
    if (rest.replace(/\/$/, '') === '' && opts.rootLinkHeader) {
      const origin = opts.publicOrigin?.(req) ?? 'http://localhost';
      headers.Link = opts.rootLinkHeader(base, origin);
    }
    await answer(reply);
  } catch (err) {
    if (err instanceof ApiFault) {
      await answer({ status: err.status, doc: err.doc });
    } else if (err instanceof LoginThrottled) {
      await answer({
        status: 429,
        doc: faultDoc('Too Many Requests', err.message),
        headers: { 'Retry-After': String(err.retryAfterSeconds) },
      });
    } else if (err instanceof BodyTooLargeError) {
      await answer({ status: 413, doc: faultDoc('Request Entity Too Large', err.message) });
    } else {
      // A bug of ours: still an oVirt-shaped answer, never a stack trace page.
      console.error('[api] unexpected error', err);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      await answer({
        status: 500,
        // The message stays in the engine log: internals are not the client's business.
        doc: faultDoc('Operation Failed', '[Internal error; see the engine log.]'),
      });
    }
  }
}

/** The request body's media types oVirt's resources consume (`@Consumes`); XML first. */
export const BODY_TYPES: readonly string[] = ['application/xml', 'text/xml', 'application/json'];

/** Methods whose requests carry a document. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A body-carrying request whose Content-Type is not XML or JSON gets 415 before any handler
 * runs. This is also what stops cross-site request forgery by plain HTML forms and
 * `no-cors` fetches: browsers can only send `text/plain`, `multipart/form-data` and
 * `application/x-www-form-urlencoded` (or no type at all) without a CORS preflight, which
 * this server never grants. A request without a type is accepted only without a body (a
 * parameterless action such as `POST …/start` sent by curl).
 */
export function unsupportedMediaType(req: IncomingMessage): ApiFault | null {
  if (!BODY_METHODS.has(req.method ?? 'GET')) return null;
  const type = mediaType(req.headers['content-type']);
  if (BODY_TYPES.includes(type)) return null;
  const length = req.headers['content-length'];
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const empty = !chunked && (length === undefined || length.trim() === '0');
  if (type === '' && empty) return null;
  return new ApiFault(
    415,
    faultDoc(
      'Unsupported Media Type',
      type === ''
        ? `A request body needs a Content-Type; use one of ${BODY_TYPES.join(', ')}.`
        : `Content type '${type}' is not supported; use one of ${BODY_TYPES.join(', ')}.`,
    ),
  );
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

async function readInput(req: IncomingMessage, root: string, limit: number): Promise<InputObject> {
  let raw: string;
  try {
    raw = utf8.decode(await readBody(req, limit));
  } catch (err) {
    if (err instanceof TypeError) throw new SyntaxFault('the request body is not valid UTF-8');
    throw err;
  }
  const type = mediaType(req.headers['content-type']);
  const text = raw.trim();
  if (text === '') {
    // `<action/>` is optional for parameterless actions; entities need a body.
    if (root === 'action') return {};
    throw new SyntaxFault('the request body is empty');
  }
  const json = type === 'application/json';
  return rootObject(json ? parseJson(text) : parseXml(text, root));
}
