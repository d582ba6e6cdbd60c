// SPDX-License-Identifier: Apache-2.0
/**
 * Authentication at the HTTP edge, as oVirt's SSO and REST filters behave:
 * - `POST /ovirt-engine/sso/oauth/token` (password grant, scope `ovirt-app-api`) → JSON
 *   `{access_token, token_type, scope, exp}` (`exp` a string, epoch ms); errors are JSON 400s
 *   with `error` + `error_description`;
 * - `POST /ovirt-engine/services/sso-logout` revokes a token (JSON answer, no `error` key);
 * - `Authorization: Bearer <token>` or `Basic base64(user:password)`;
 * - `Prefer: persistent-auth` keeps a session in the `JSESSIONID` cookie
 *   (Path=/ovirt-engine/api), idle timeout `Session-TTL` minutes (default 30); without it
 *   a Basic session ends with the request;
 * - no credentials → 401 + `WWW-Authenticate: Basic realm="RESTAPI"`.
 *
 * Passwords are checked by the engine (`Engine.authenticate`); this file only keeps the
 * tokens and sessions it issued, in memory: a restart logs everybody out, as an engine
 * restart does.
 *
 * @see ../../../shared/reference/ovirt-api.md §1.2, §1.3
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Principal } from '../contract/common';
import { BodyTooLargeError, mediaType, parseCookies, prefers, readBody, sendJson } from './http';

/** Checks a user name and password; null when they do not match. */
export type PasswordCheck = (userName: string, password: string) => Promise<Principal | null>;

const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 256;

/** oVirt answers `Long.MAX_VALUE` when a session never expires. */
const NO_EXPIRY = '9223372036854775807';
const SCOPE =
  'ovirt-app-api ovirt-ext=token-info:authz-search ovirt-ext=token-info:public-authz-search ovirt-ext=token-info:validate';

/** What an API request is authenticated as, and how (for the session cookie). */
export interface AuthResult {
  readonly principal: Principal;
  /** A new JSESSIONID to set on the response, when `Prefer: persistent-auth` opened one. */
  readonly newSession?: string;
}

/** Issued tokens and sessions. */
export class AuthService {
  private readonly tokens = new Map<string, Principal>();
  /** JSESSIONID → principal, with oVirt's idle timeout (`Session-TTL` minutes, default 30). */
  private readonly sessions = new Map<
    string,
    { principal: Principal; idleMs: number; lastUsed: number }
  >();

  /**
   * Successful Basic credentials for a short while, keyed by a hash of the header value:
   * clients such as curl loops send them with every request, and the engine's password
   * check is a deliberately slow scrypt. Failures are never cached.
   */
  private readonly basicCache = new Map<string, { principal: Principal; until: number }>();

  constructor(private readonly check: PasswordCheck) {}

  private async checkBasic(value: string): Promise<Principal | null> {
    const key = createHash('sha256').update(value).digest('hex');
    const now = Date.now();
    const hit = this.basicCache.get(key);
    if (hit !== undefined && hit.until > now) return hit.principal;
    this.basicCache.delete(key);
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return null;
    const principal = await this.check(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (principal !== null) {
      if (this.basicCache.size >= BASIC_CACHE_MAX) this.basicCache.clear();
      this.basicCache.set(key, { principal, until: now + BASIC_CACHE_MS });
    }
    return principal;
  }

  /** Issues a bearer token for already checked credentials (used by tests and the UI). */
  issueToken(principal: Principal): string {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, principal);
    return token;
  }

  /** The principal of a bearer token, or null when unknown or revoked. */
  principalOfToken(token: string): Principal | null {
    return this.tokens.get(token) ?? null;
  }

  /** Revokes a token; true when it existed. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Forgets every token and session. */
  clear(): void {
    this.tokens.clear();
    this.sessions.clear();
    this.basicCache.clear();
  }

  /**
   * Authenticates an API request. Returns null when there are no usable credentials (the
   * caller answers 401 with the Basic challenge).
   */
  async authenticate(req: IncomingMessage): Promise<AuthResult | null> {
    const header = req.headers.authorization ?? '';
    const persistent = prefers(req, 'persistent-auth');
    const newAuth = prefers(req, 'new-auth');
    if (persistent && !newAuth) {
      const id = parseCookies(req.headers.cookie).get('JSESSIONID');
      const session = id === undefined ? undefined : this.sessions.get(id);
      const now = Date.now();
      if (session !== undefined && id !== undefined) {
        if (now - session.lastUsed <= session.idleMs) {
          session.lastUsed = now;
          return { principal: session.principal };
        }
        this.sessions.delete(id);
      }
    }
    let principal: Principal | null = null;
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'bearer' && value !== '') {
      principal = this.principalOfToken(value);
    } else if (scheme === 'basic' && value !== '') {
      principal = await this.checkBasic(value);
    }
    if (principal === null) return null;
    if (!persistent) return { principal };
    const now = Date.now();
    // Expired sessions are only dropped when presented again; a client that never returns
    // its cookie would otherwise grow the map with every request.
    for (const [id, s] of this.sessions) if (now - s.lastUsed > s.idleMs) this.sessions.delete(id);
    const sessionId = randomBytes(24).toString('hex');
    const ttlHeader = req.headers['session-ttl'];
    const ttlMinutes =
      typeof ttlHeader === 'string' && /^\d+$/.test(ttlHeader.trim()) ? Number(ttlHeader) : 30;
    this.sessions.set(sessionId, {
      principal,
      idleMs: Math.max(1, ttlMinutes) * 60_000,
      lastUsed: now,
    });
    return { principal, newSession: sessionId };
  }

  /** `POST /ovirt-engine/sso/oauth/token`. */
  async handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readForm(req, res);
    if (params === null) return;
    const fail = (error: string, description: string): void => {
      sendJson(req, res, 400, { error, error_description: description });
    };
    const grant = params.get('grant_type');
    if (grant === null) {
      fail('invalid_request', "Missing parameter: 'grant_type'");
      return;
    }
    if (grant !== 'password') {
      fail('unsupported_grant_type', `Unsupported grant type: ${grant}`);
      return;
    }
    const scope = params.get('scope');
    if (scope === null) {
      fail('invalid_request', "Missing parameter: 'scope'");
      return;
    }
    if (!scope.split(' ').includes('ovirt-app-api')) {
      fail('invalid_scope', `The requested scope '${scope}' is not allowed.`);
      return;
    }
    const username = params.get('username');
    if (username === null) {
      fail('invalid_request', "Missing parameter: 'username'");
      return;
    }
    const password = params.get('password');
    if (password === null) {
      fail('invalid_request', "Missing parameter: 'password'");
      return;
    }
    const principal = await this.check(username, password);
    if (principal === null) {
      const [user, domain = 'internal'] = username.split('@');
      fail(
        'access_denied',
        `Cannot authenticate user '${user ?? ''}@${domain}': The username or password is incorrect..`,
      );
      return;
    }
    sendJson(req, res, 200, {
      access_token: this.issueToken(principal),
      token_type: 'bearer',
      scope: SCOPE,
      exp: NO_EXPIRY,
    });
  }

  /** `POST /ovirt-engine/services/sso-logout`: revoke the token (or the bearer in use). */
  async handleLogout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readForm(req, res);
    if (params === null) return;
    let token = params.get('token');
    const header = req.headers.authorization ?? '';
    if (token === null && header.toLowerCase().startsWith('bearer '))
      token = header.slice(7).trim();
    if (token === null) {
      sendJson(req, res, 400, {
        error: 'invalid_request',
        error_description: "Missing parameter: 'token'",
      });
      return;
    }
    this.revoke(token);
    // Revoking an unknown token is not an error: the result is the same.
    sendJson(req, res, 200, { status: 'ok' });
  }
}

/** Reads a form body (or query string); answers the error itself and returns null on failure. */
async function readForm(
  req: IncomingMessage,
  res: ServerResponse,
): Promise<URLSearchParams | null> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let body: Buffer;
  try {
    body = await readBody(req, 64 * 1024);
  } catch (err) {
    if (err instanceof BodyTooLargeError) {
      sendJson(req, res, 413, { error: 'invalid_request', error_description: err.message });
      return null;
    }
    throw err;
  }
  const params = new URLSearchParams(url.search);
  const type = mediaType(req.headers['content-type']);
  if (body.length > 0 && (type === 'application/x-www-form-urlencoded' || type === '')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
  } else if (body.length > 0 && type === 'application/json') {
    try {
      const parsed = JSON.parse(body.toString('utf8')) as unknown;
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [k, v] of Object.entries(parsed)) {
          if (typeof v === 'string') params.set(k, v);
        }
      }
    } catch {
      sendJson(req, res, 400, {
        error: 'invalid_request',
        error_description: 'Malformed JSON body',
      });
      return null;
    }
  }
  return params;
}
