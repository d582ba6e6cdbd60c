// SPDX-License-Identifier: Apache-2.0
/**
 * Domain state changes for the engine. The binding has no event API
 * (virConnectDomainEventRegisterAny is not exposed by @unraid/libvirt 2.2), so the state of
 * every domain is polled while someone listens, and each lifecycle call the agent makes asks
 * for an immediate poll; a change reaches listeners within one interval (500 ms).
 */
import type { DomainStateChange } from '../host-agent';
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

  async #poll(): Promise<void> {
    const now = new Map((await this.#conn.list()).map((d) => [d.uuid, d]));
    const before = this.#known;
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

  /** Stop polling. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#known = null;
  }
}
