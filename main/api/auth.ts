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
 * Tokens end like oVirt's engine sessions: at the hard limit after login (`exp`;
 * `UserSessionHardLimit`, 600 minutes) or after being idle (`UserSessionTimeOutInterval`,
 * 30 minutes), whichever comes first; then the token is a 401. Both are configurable
 * ({@link AuthOptions}). Expired tokens and sessions are swept, and both maps are bounded.
 * Failed password checks back off per source address (see throttle.ts).
 *
 * @see ../../../shared/reference/ovirt-api.md §1.2, §1.3
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import type { Principal } from '../contract/common';
import { BodyTooLargeError, mediaType, parseCookies, prefers, readBody, sendJson } from './http';
import { LoginThrottle, LoginThrottled, type ThrottleOptions } from './throttle';

export { LoginThrottled };

/** Checks a user name and password; null when they do not match. */
export type PasswordCheck = (userName: string, password: string) => Promise<Principal | null>;

const BASIC_CACHE_MS = 60_000;
const BASIC_CACHE_MAX = 256;

/** oVirt's `UserSessionHardLimit` default: a session ends 600 minutes after login. */
export const DEFAULT_TOKEN_HARD_LIMIT_MS = 600 * 60_000;
/** oVirt's `UserSessionTimeOutInterval` default: a session idle for 30 minutes ends. */
export const DEFAULT_TOKEN_IDLE_MS = 30 * 60_000;
/** Live tokens (and, separately, cookie sessions) kept at most; the oldest go first. */
export const DEFAULT_MAX_TOKENS = 10_000;
/** Expired entries are swept at most this often (on issue and on access). */
const SWEEP_EVERY_MS = 60_000;

/** Lifetimes and limits of issued credentials. */
export interface AuthOptions {
  /** Token lifetime from login (`exp`); 0 = no hard limit (`exp` is then `Long.MAX_VALUE`). */
  readonly tokenHardLimitMs?: number;
  /** A token unused this long ends; 0 = no idle timeout. */
  readonly tokenIdleMs?: number;
  readonly maxTokens?: number;
  readonly throttle?: ThrottleOptions;
  readonly now?: () => number;
}

/** oVirt answers `Long.MAX_VALUE` when a session never expires. */
const NO_EXPIRY = '9223372036854775807';

interface TokenEntry {
  readonly principal: Principal;
  /** Epoch ms after which the token is dead (Infinity: no hard limit). */
  readonly validTo: number;
  lastUsed: number;
}
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
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly hardLimitMs: number;
  private readonly idleMs: number;
  private readonly maxTokens: number;
  private readonly now: () => number;
  private lastSweep = 0;
  /** Back-off for failed password checks, per source address. */
  readonly throttle: LoginThrottle;
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

  constructor(
    private readonly check: PasswordCheck,
    opts: AuthOptions = {},
  ) {
    this.hardLimitMs = opts.tokenHardLimitMs ?? DEFAULT_TOKEN_HARD_LIMIT_MS;
    this.idleMs = opts.tokenIdleMs ?? DEFAULT_TOKEN_IDLE_MS;
    this.maxTokens = Math.max(1, opts.maxTokens ?? DEFAULT_MAX_TOKENS);
    this.now = opts.now ?? Date.now;
    this.throttle = new LoginThrottle({ now: this.now, ...(opts.throttle ?? {}) });
  }

  /**
   * Checks a password, unless the source has failed too often lately.
   * @throws LoginThrottled while the source must wait
   */
  async checkPassword(
    source: string,
    userName: string,
    password: string,
  ): Promise<Principal | null> {
    this.throttle.check(source);
    const principal = await this.check(userName, password);
    if (principal === null) this.throttle.failed(source);
    else this.throttle.succeeded(source);
    return principal;
  }

  private async checkBasic(value: string, source: string): Promise<Principal | null> {
    const key = createHash('sha256').update(value).digest('hex');
    const now = this.now();
    const hit = this.basicCache.get(key);
    if (hit !== undefined && hit.until > now) return hit.principal;
    this.basicCache.delete(key);
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // A header that carries no user name still counts as a failed login.
    const principal =
      colon <= 0
        ? await this.checkPassword(source, '', '')
        : await this.checkPassword(source, decoded.slice(0, colon), decoded.slice(colon + 1));
    if (principal !== null) {
      if (this.basicCache.size >= BASIC_CACHE_MAX) this.basicCache.clear();
      this.basicCache.set(key, { principal, until: now + BASIC_CACHE_MS });
    }
    return principal;
  }

  /** Issues a bearer token for already checked credentials (used by tests and the UI). */
  issueToken(principal: Principal): string {
    return this.issue(principal).token;
  }

  private issue(principal: Principal): { token: string; validTo: number } {
    const now = this.now();
    this.sweep(now, this.tokens.size >= this.maxTokens);
    // Still full of live tokens: the least recently issued one goes.
    while (this.tokens.size >= this.maxTokens) {
      const oldest = this.tokens.keys().next();
      if (oldest.done === true) break;
      this.tokens.delete(oldest.value);
    }
    const token = randomBytes(32).toString('base64url');
    const validTo = this.hardLimitMs > 0 ? now + this.hardLimitMs : Infinity;
    this.tokens.set(token, { principal, validTo, lastUsed: now });
    return { token, validTo };
  }

  private expired(entry: TokenEntry, now: number): boolean {
    return now >= entry.validTo || (this.idleMs > 0 && now - entry.lastUsed > this.idleMs);
  }

  /** Drops expired tokens and sessions (at most once a minute unless `force`). */
  private sweep(now: number, force = false): void {
    if (!force && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [token, entry] of this.tokens) if (this.expired(entry, now)) this.tokens.delete(token);
    for (const [id, s] of this.sessions) if (now - s.lastUsed > s.idleMs) this.sessions.delete(id);
  }

  /** The principal of a bearer token, or null when unknown, revoked or expired. */
  principalOfToken(token: string): Principal | null {
    const now = this.now();
    this.sweep(now);
    const entry = this.tokens.get(token);
    if (entry === undefined) return null;
    if (this.expired(entry, now)) {
      this.tokens.delete(token);
      return null;
    }
    entry.lastUsed = now;
    return entry.principal;
  }

  /** Live tokens held (for tests and the adversarial suite). */
  get tokenCount(): number {
    return this.tokens.size;
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
      const now = this.now();
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
      principal = await this.checkBasic(value, sourceOf(req));
    }
    if (principal === null) return null;
    if (!persistent) return { principal };
    const now = this.now();
    // A client that never returns its cookie would otherwise grow the map with every request.
    this.sweep(now, this.sessions.size >= this.maxTokens);
    while (this.sessions.size >= this.maxTokens) {
      const oldest = this.sessions.keys().next();
      if (oldest.done === true) break;
      this.sessions.delete(oldest.value);
    }
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
    let principal: Principal | null;
    try {
      principal = await this.checkPassword(sourceOf(req), username, password);
    } catch (err) {
      if (!(err instanceof LoginThrottled)) throw err;
      sendJson(
        req,
        res,
        429,
        { error: 'access_denied', error_description: err.message },
        { 'Retry-After': String(err.retryAfterSeconds) },
      );
      return;
    }
    if (principal === null) {
      const [user, domain = 'internal'] = username.split('@');
      fail(
        'access_denied',
        `Cannot authenticate user '${user ?? ''}@${domain}': The username or password is incorrect..`,
      );
      return;
    }
    const { token, validTo } = this.issue(principal);
    sendJson(req, res, 200, {
      access_token: token,
      token_type: 'bearer',
      scope: SCOPE,
      exp: Number.isFinite(validTo) ? String(validTo) : NO_EXPIRY,
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

/** The address failed logins are counted against. */
function sourceOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
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
