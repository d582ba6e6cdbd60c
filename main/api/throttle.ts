// SPDX-License-Identifier: Apache-2.0
/**
 * Back-off for failed password logins, per source address. A few failures are free (typos);
 * after that every further failure doubles the time the source must wait before its next
 * password is even checked, up to a ceiling. Keyed by source, never by user name, and applied
 * before the check: the answer is the same whether the user exists or not.
 *
 * Only password checks are gated. Bearer tokens and already verified Basic credentials keep
 * working, so a client that logged in before an attack started is not locked out by it.
 */

export interface ThrottleOptions {
  /** Failures allowed in `windowMs` before back-off starts (default 5). */
  readonly freeFailures?: number;
  /** How long a failure is remembered (default 15 minutes). */
  readonly windowMs?: number;
  /** First wait after the free failures (default 1 s); doubles with each further failure. */
  readonly baseDelayMs?: number;
  /** Longest wait (default 5 minutes). */
  readonly maxDelayMs?: number;
  /** Sources remembered at most; the oldest are forgotten first (default 10,000). */
  readonly maxSources?: number;
  readonly now?: () => number;
}

interface Source {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** Thrown when a source must wait; transports answer 429 with `Retry-After`. */
export class LoginThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed logins from this address; retry in ${retryAfterSeconds} s`);
    this.name = 'LoginThrottled';
  }
}

export class LoginThrottle {
  private readonly sources = new Map<string, Source>();
  private readonly freeFailures: number;
  private readonly windowMs: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxSources: number;
  private readonly now: () => number;

  constructor(opts: ThrottleOptions = {}) {
    this.freeFailures = opts.freeFailures ?? 5;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.baseDelayMs = opts.baseDelayMs ?? 1_000;
    this.maxDelayMs = opts.maxDelayMs ?? 5 * 60_000;
    this.maxSources = opts.maxSources ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** @throws LoginThrottled when `source` must wait before its next password check */
  check(source: string): void {
    const s = this.sources.get(source);
    if (s === undefined) return;
    const now = this.now();
    if (now - s.lastFailure > this.windowMs) {
      this.sources.delete(source);
      return;
    }
    if (s.lockedUntil > now) throw new LoginThrottled(Math.ceil((s.lockedUntil - now) / 1000));
  }

  /** Records a failed password check. */
  failed(source: string): void {
    const now = this.now();
    let s = this.sources.get(source);
    if (s !== undefined && now - s.lastFailure > this.windowMs) s = undefined;
    if (s === undefined) {
      this.makeRoom(now);
      s = { failures: 0, lastFailure: now, lockedUntil: 0 };
    }
    // Re-inserted so the map stays ordered by last failure (oldest first).
    this.sources.delete(source);
    this.sources.set(source, s);
    s.failures += 1;
    s.lastFailure = now;
    const over = s.failures - this.freeFailures;
    if (over >= 0) {
      s.lockedUntil = now + Math.min(this.baseDelayMs * 2 ** Math.min(over, 30), this.maxDelayMs);
    }
  }

  /** A successful login forgets the source's failures. */
  succeeded(source: string): void {
    this.sources.delete(source);
  }

  /** Sources currently remembered (for tests). */
  get size(): number {
    return this.sources.size;
  }

  private makeRoom(now: number): void {
    if (this.sources.size < this.maxSources) return;
    for (const [key, s] of this.sources) {
      if (now - s.lastFailure > this.windowMs || this.sources.size >= this.maxSources) {
        this.sources.delete(key);
      } else break;
    }
  }
}
