// SPDX-License-Identifier: Apache-2.0
/**
 * Domain state changes for the engine. The binding has no event API
 * (virConnectDomainEventRegisterAny is not exposed by @unraid/libvirt 2.2), so the state of
 * every domain is polled while someone listens (a change the guest makes, e.g. powering itself
 * off, reaches listeners within one interval, 500 ms, plus the time libvirt takes to answer);
 * the states the agent's own lifecycle calls bring about are reported at once.
 */
import type { DomainState, DomainStateChange } from '../host-agent';
import type { DomainSummary, LibvirtConnection } from '../hypervisor';

const INTERVAL_MS = 500;

type Listener = (change: DomainStateChange) => void;

/** Polls domain states and reports differences to subscribers. */
export class DomainStateWatcher {
  readonly #conn: LibvirtConnection;
  readonly #listeners = new Set<Listener>();
  #known: Map<string, DomainSummary> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;
  #again = false;
  /** Sequence of agent observations, so a poll never overrides a newer observed state. */
  #seq = 0;
  readonly #observedSeq = new Map<string, number>();

  constructor(conn: LibvirtConnection) {
    this.#conn = conn;
  }

  /** Subscribe; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (this.#timer === null) {
      this.#timer = setInterval(() => {
        this.poke();
      }, INTERVAL_MS);
      this.#timer.unref();
      this.poke();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Poll now (coalesced with a poll in flight); errors are left to the next poll. */
  poke(): void {
    if (this.#listeners.size === 0) return;
    if (this.#polling !== null) {
      this.#again = true;
      return;
    }
    this.#polling = this.#poll()
      .catch(() => undefined)
      .finally(() => {
        this.#polling = null;
        if (this.#again) {
          this.#again = false;
          this.poke();
        }
      });
  }

  /**
   * Report a state the agent itself just brought about (start, shutdown, power off), without
   * waiting for the next poll; the poll then sees nothing new. `null` = the domain is gone.
   */
  observe(uuid: string, knownName: string | null, state: DomainState | null): void {
    const known = this.#known;
    if (known === null) return;
    this.#observedSeq.set(uuid, ++this.#seq);
    const old = known.get(uuid);
    const name = knownName ?? old?.name ?? uuid;
    if (state === null) {
      known.delete(uuid);
      if (old !== undefined && old.state !== 'down')
        this.#emit([{ uuid, name: old.name, state: 'down' }]);
      return;
    }
    known.set(uuid, { uuid, name, state });
    if (old?.state !== state) this.#emit([{ uuid, name, state }]);
  }

  #emit(changes: readonly DomainStateChange[]): void {
    for (const change of changes) {
      for (const listener of this.#listeners) {
        try {
          listener(change);
        } catch {
          // A failing listener must not stop the others or the watcher.
        }
      }
    }
  }

  async #poll(): Promise<void> {
    const startedAt = this.#seq;
    const now = new Map((await this.#conn.list()).map((d) => [d.uuid, d]));
    const before = this.#known;
    if (before !== null) {
      // A state observed while this poll was in flight is newer than what the poll read.
      for (const [uuid, seq] of this.#observedSeq) {
        if (seq <= startedAt) continue;
        const kept = before.get(uuid);
        if (kept === undefined) now.delete(uuid);
        else now.set(uuid, kept);
      }
    }
    this.#observedSeq.clear();
    this.#known = now;
    if (before === null) return; // the first poll is the baseline
    const changes: DomainStateChange[] = [];
    for (const d of now.values()) {
      const old = before.get(d.uuid);
      if (old?.state !== d.state) changes.push({ uuid: d.uuid, name: d.name, state: d.state });
    }
    for (const old of before.values()) {
      // An undefined domain is gone: report it down once, if it was not already.
      if (!now.has(old.uuid) && old.state !== 'down')
        changes.push({ uuid: old.uuid, name: old.name, state: 'down' });
    }
    this.#emit(changes);
  }

  /** Stop polling. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#known = null;
  }
}
