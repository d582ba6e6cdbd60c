// SPDX-License-Identifier: Apache-2.0
/**
 * In-process exclusive locks keyed by entity (`network:<id>`, `host:<id>`,
 * `network-name:<dc>:<name>`, …), taken before validate as oVirt's
 * `CommandBase.internalValidateInTransaction()` does, so two commands cannot both pass a
 * check like "name not used". Keys are sorted to avoid deadlocks; waiting times out.
 */

export class LockTimeoutError extends Error {
  constructor(readonly key: string) {
    super(`lock ${key} not acquired in time`);
    this.name = 'LockTimeoutError';
  }
}

export class LockManager {
  private readonly tails = new Map<string, Promise<void>>();

  /** Per key, the open group of shared holders (see {@link acquire}'s `shared`). */
  private readonly groups = new Map<string, { previous: Promise<void>; tail: Promise<void> }>();

  /** Per key, how many acquirers wait for it (not holding it yet). */
  private readonly waiters = new Map<string, number>();

  /**
   * Acquire every key (sorted, de-duplicated). Resolves to the release function.
   * Keys listed in `shared` are taken in shared mode: holders of the same key in shared mode
   * that queue one after the other run together; an exclusive holder waits for all of them
   * and shared holders queued after it wait for it (no starvation either way).
   * @throws LockTimeoutError after `timeoutMs` (locks already taken are released)
   */
  async acquire(
    keys: readonly string[],
    timeoutMs: number,
    shared: ReadonlySet<string> = new Set(),
  ): Promise<() => void> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    const deadline = Date.now() + timeoutMs;
    try {
      for (const key of sorted) {
        releases.push(
          await (shared.has(key)
            ? this.acquireSharedOne(key, deadline)
            : this.acquireOne(key, deadline)),
        );
      }
    } catch (e) {
      for (const r of releases.reverse()) r();
      throw e;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const r of releases.reverse()) r();
    };
  }

  /** How many acquirers wait for `key` without holding it yet. */
  waiting(key: string): number {
    return this.waiters.get(key) ?? 0;
  }

  /** Count a waiter of `key` while `wait` runs. */
  private async counted<T>(key: string, wait: Promise<T>): Promise<T> {
    this.waiters.set(key, (this.waiters.get(key) ?? 0) + 1);
    try {
      return await wait;
    } finally {
      const n = (this.waiters.get(key) ?? 1) - 1;
      if (n === 0) this.waiters.delete(key);
      else this.waiters.set(key, n);
    }
  }

  /** Whether anything currently holds or waits for `key` (tests, diagnostics). */
  isLocked(key: string): boolean {
    return this.tails.has(key);
  }

  private async acquireOne(key: string, deadline: number): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    const cleanup = (): void => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    const won = await this.counted(
      key,
      Promise.race([previous.then(() => 'ok' as const), timedOut]),
    );
    clearTimeout(timer);
    if (won === 'timeout') {
      // Our slot stays in the chain but is released at once, so later waiters are not stuck.
      cleanup();
      throw new LockTimeoutError(key);
    }
    return cleanup;
  }

  private async acquireSharedOne(key: string, deadline: number): Promise<() => void> {
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const current = this.tails.get(key);
    let group = this.groups.get(key);
    // Join the open group only when nobody queued behind it; otherwise start a new one.
    if (group === undefined || current === undefined || group.tail !== current) {
      group = { previous: current ?? Promise.resolve(), tail: current ?? Promise.resolve() };
      this.groups.set(key, group);
    }
    const g = group;
    g.tail = Promise.all([g.tail, mine]).then(() => undefined);
    this.tails.set(key, g.tail);
    const cleanup = (): void => {
      release();
      const tail = g.tail;
      void tail.then(() => {
        if (this.tails.get(key) === tail) this.tails.delete(key);
        if (this.groups.get(key) === g && g.tail === tail) this.groups.delete(key);
      });
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(
        () => {
          resolve('timeout');
        },
        Math.max(0, deadline - Date.now()),
      );
    });
    const won = await this.counted(
      key,
      Promise.race([g.previous.then(() => 'ok' as const), timedOut]),
    );
    clearTimeout(timer);
    if (won === 'timeout') {
      cleanup();
      throw new LockTimeoutError(key);
    }
    return cleanup;
  }
}
