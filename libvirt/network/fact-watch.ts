// SPDX-License-Identifier: Apache-2.0
/**
 * The host's network facts kept current by kernel events instead of re-read per deploy
 * (issue 14), and the same events as a drift signal (issue 13 item 6).
 *
 * One long-lived `ip -o monitor link address netconf` process reports every change of a link,
 * an address or a per-device IP setting; each event names its device, which is then re-read
 * (one `ip -batch` for all changed devices) the next time facts are asked for. Until the
 * monitor has run for a moment, or after it died, every read is a full read — the cache is an
 * optimisation, never a source of staler facts than the kernel's own notifications allow.
 * Some sysctls (disable_ipv6, arp_ignore) change without any netlink event, so they are read
 * from /proc at every fact read (no fork) and, for the drift watch, re-checked every few
 * seconds for the bridges the watcher cares about.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { ISOLATED_SYSCTLS } from './desired-state';
import {
  type BridgeSysctls,
  type HostNetFacts,
  type LinkState,
  readAddrGenMode,
  readBridgeSysctls,
  readDefaultRouteDevices,
  readDeviceFacts,
  readHostFacts,
} from './host-facts';
import type { IpSession } from './ip-session';

/** Bridges whose event-less sysctls are re-read per tick of the drift watch's check. */
const SYSCTL_CHECKS_PER_TICK = 128;

/** The sysctl key of an isolated bridge (see #checkSysctls). */
const ISOLATED_KEY = `${ISOLATED_SYSCTLS.disableIpv6}/${ISOLATED_SYSCTLS.arpIgnore}/${ISOLATED_SYSCTLS.rpFilter}/none`;

/** The device an `ip -o monitor` line is about, or null when the line names none. */
export function monitorLineDevice(line: string): string | null {
  const text = line.startsWith('Deleted ') ? line.slice('Deleted '.length) : line;
  // link: "12: br0: <…" / "12: veth0@if5: <…"; address: "12: br0    inet 10.0.0.1/24 …"
  const link = /^\d+: ([^\s:@]+)/.exec(text);
  if (link?.[1] !== undefined) return link[1];
  // netconf: "inet br0 rp_filter strict" / "inet6 br0 forwarding off …" / "ipv4 dev br0 …"
  const conf = /^(?:inet6?|ipv[46])(?: dev)? (\S+)/.exec(text);
  const dev = conf?.[1];
  return dev === undefined || dev === 'all' || dev === 'default' ? null : dev;
}

/** Called with the devices that changed (a burst of events coalesced). */
export type DeviceChangeListener = (devices: ReadonlySet<string>) => void;

export interface FactWatchOptions {
  /** Coalescing delay of change notifications, ms (default 100). */
  readonly notifyDelayMs?: number;
  /** How long after the monitor started reads stay full reads, ms (default 300). */
  readonly warmUpMs?: number;
  /** How often watched bridges' sysctls are re-read for listeners, ms (default 5000). */
  readonly sysctlCheckMs?: number;
}

/** Host facts cached behind `ip monitor`, plus change notifications. */
export class HostFactWatch {
  readonly #notifyDelayMs: number;
  readonly #warmUpMs: number;
  readonly #sysctlCheckMs: number;
  #child: ChildProcess | null = null;
  #startedAt = 0;
  #retryAfter = 0;
  #closed = false;
  /** Links as last read, without sysctls (those are read fresh). */
  #links = new Map<string, LinkState>();
  #all = true;
  #dirty = new Set<string>();
  readonly #listeners = new Set<DeviceChangeListener>();
  #pending = new Set<string>();
  #notifyTimer: NodeJS.Timeout | null = null;
  #sysctlTimer: NodeJS.Timeout | null = null;
  #watched: () => Iterable<string> | Promise<Iterable<string>> = () => [];
  /** When the latest event of each device arrived (performance.now()). */
  readonly #eventAt = new Map<string, number>();
  /** When a read straight from the kernel of each device last began. */
  readonly #freshReadAt = new Map<string, number>();
  readonly #lastSysctls = new Map<string, string>();
  /** Where the next sysctl re-check starts in the watched list (see #checkSysctls). */
  #sysctlCursor = 0;

  constructor(options: FactWatchOptions = {}) {
    this.#notifyDelayMs = options.notifyDelayMs ?? 100;
    this.#warmUpMs = options.warmUpMs ?? 300;
    this.#sysctlCheckMs = options.sysctlCheckMs ?? 5_000;
  }

  /** Whether the monitor runs (facts come from the cache). */
  get monitoring(): boolean {
    return this.#child !== null;
  }

  #start(): void {
    if (this.#child !== null || this.#closed || Date.now() < this.#retryAfter) return;
    let child: ChildProcess;
    try {
      child = spawn('ip', ['-o', 'monitor', 'link', 'address', 'netconf'], {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, LC_ALL: 'C' },
      });
    } catch {
      this.#retryAfter = Date.now() + 5_000;
      return;
    }
    this.#child = child;
    this.#startedAt = Date.now();
    this.#all = true;
    // The monitor must not keep the process alive on its own.
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    const lost = (): void => {
      if (this.#child !== child) return;
      this.#child = null;
      this.#all = true;
      this.#retryAfter = Date.now() + 5_000;
    };
    child.on('error', lost);
    child.on('exit', lost);
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        this.#onLine(line);
      });
    }
  }

  #onLine(line: string): void {
    const dev = monitorLineDevice(line);
    if (dev === null) {
      this.#all = true;
      return;
    }
    this.#dirty.add(dev);
    // A port's event also concerns its bridge, before (cache) and after (the line's `master`):
    // a port enslaved or released.
    const devices = new Set([dev]);
    const before = this.#links.get(dev)?.master;
    if (before !== null && before !== undefined) devices.add(before);
    const after = / master (\S+)/.exec(line)?.[1];
    if (after !== undefined) devices.add(after);
    this.#changed(devices);
  }

  #changed(devices: Iterable<string>): void {
    if (this.#listeners.size === 0) return;
    const now = performance.now();
    for (const d of devices) {
      this.#pending.add(d);
      this.#eventAt.set(d, now);
    }
    this.#notifyTimer ??= setTimeout(() => {
      this.#notifyTimer = null;
      // A device read from the kernel after its latest event arrived (the read-back of this
      // agent's own setupNetworks, or a report) is already known as it is: not worth telling.
      const batch = new Set(
        [...this.#pending].filter(
          (d) => (this.#freshReadAt.get(d) ?? -1) <= (this.#eventAt.get(d) ?? 0),
        ),
      );
      this.#pending = new Set();
      if (batch.size === 0) return;
      for (const l of this.#listeners) {
        try {
          l(batch);
        } catch {
          // A listener's failure is its own.
        }
      }
    }, this.#notifyDelayMs);
    this.#notifyTimer.unref();
  }

  /**
   * Say that `devices` are being read straight from the kernel now (a read-back or a report),
   * so events that arrived before are not passed on to listeners as news.
   */
  readingFresh(devices: Iterable<string>): void {
    const now = performance.now();
    for (const d of devices) this.#freshReadAt.set(d, now);
  }

  /** Mark devices as changed (after this process changed them itself, before events arrive). */
  invalidate(devices: Iterable<string>): void {
    for (const d of devices) this.#dirty.add(d);
  }

  /**
   * The host's facts, as {@link readHostFacts} returns them (same shape, same sysctl rule).
   * Devices re-read because of events go down `session` when given (no fork of their own).
   * @throws HostError HOST_COMMAND_FAILED when iproute2 fails
   */
  async facts(sysctlsOf?: ReadonlySet<string>, session?: IpSession): Promise<HostNetFacts> {
    this.#start();
    if (this.#child === null || Date.now() - this.#startedAt < this.#warmUpMs) {
      const facts = await readHostFacts(sysctlsOf);
      this.#store(facts.links, true);
      return facts;
    }
    if (this.#all) {
      this.#all = false;
      this.#dirty = new Set();
      const facts = await readHostFacts(new Set());
      this.#store(facts.links, true);
    } else if (this.#dirty.size > 0) {
      const dirty = this.#dirty;
      this.#dirty = new Set();
      try {
        const fresh = await readDeviceFacts(dirty, session);
        for (const d of dirty) if (!fresh.links.has(d)) this.#links.delete(d);
        this.#store(fresh.links, false);
      } catch (error) {
        for (const d of dirty) this.#dirty.add(d);
        throw error;
      }
    }
    return this.#withProc(sysctlsOf);
  }

  /**
   * One link as the cache knows it (no sysctls), or null when the host has no such device:
   * no fork while the monitor runs and the device had no event since it was last read.
   * @throws HostError HOST_COMMAND_FAILED when iproute2 fails
   */
  async link(name: string): Promise<LinkState | null> {
    // Other devices' events (bridges being set up right now) need not be read for this one.
    const warm = this.#child !== null && Date.now() - this.#startedAt >= this.#warmUpMs;
    if (warm && !this.#all && !this.#dirty.has(name)) return this.#links.get(name) ?? null;
    return (await this.facts(new Set())).links.get(name) ?? null;
  }

  #store(links: ReadonlyMap<string, LinkState>, replace: boolean): void {
    if (replace) this.#links = new Map();
    for (const [name, l] of links) this.#links.set(name, { ...l, sysctl: null, addrGenMode: null });
  }

  async #withProc(sysctlsOf?: ReadonlySet<string>): Promise<HostNetFacts> {
    const [routes, links] = await Promise.all([
      readDefaultRouteDevices(),
      Promise.all(
        [...this.#links.values()].map(async (l): Promise<LinkState> => {
          if (l.kind !== 'bridge' || (sysctlsOf !== undefined && !sysctlsOf.has(l.name))) return l;
          const [sysctl, addrGenMode] = await Promise.all([
            readBridgeSysctls(l.name),
            readAddrGenMode(l.name),
          ]);
          return { ...l, sysctl, addrGenMode };
        }),
      ),
    ]);
    return { links: new Map(links.map((l) => [l.name, l])), defaultRouteDevices: routes };
  }

  /**
   * Be told when devices change. `watched` names the bridges whose event-less sysctls
   * (disable_ipv6, arp_ignore, addr_gen_mode) are re-read every few seconds; a change there is
   * reported like an event. Returns the unsubscribe function.
   */
  subscribe(
    listener: DeviceChangeListener,
    watched?: () => Iterable<string> | Promise<Iterable<string>>,
  ): () => void {
    this.#listeners.add(listener);
    if (watched) this.#watched = watched;
    this.#start();
    if (this.#sysctlTimer === null) {
      this.#sysctlTimer = setInterval(() => {
        void this.#checkSysctls();
      }, this.#sysctlCheckMs);
      this.#sysctlTimer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0 && this.#sysctlTimer !== null) {
        clearInterval(this.#sysctlTimer);
        this.#sysctlTimer = null;
      }
    };
  }

  async #checkSysctls(): Promise<void> {
    // Also a chance to bring a dead monitor back.
    this.#start();
    const changed: string[] = [];
    let devices: Iterable<string>;
    try {
      devices = await this.#watched();
    } catch {
      return;
    }
    // A bounded share per tick, in turn (issue 14: idle and per-deploy cost must not grow
    // with the number of networks): with up to SYSCTL_CHECKS_PER_TICK bridges every one is
    // read each tick, as before; with more, each is read every ceil(n / share) ticks.
    const all = [...devices];
    const share = Math.min(all.length, SYSCTL_CHECKS_PER_TICK);
    const start = all.length === 0 ? 0 : this.#sysctlCursor % all.length;
    this.#sysctlCursor = start + share;
    const slice = [...all, ...all].slice(start, start + share);
    for (const [i, dev] of slice.entries()) {
      // Let requests in between (these reads are synchronous /proc reads).
      if (i > 0 && i % 16 === 0) await new Promise((r) => setImmediate(r));
      const s: BridgeSysctls = await readBridgeSysctls(dev);
      const key = `${s.disableIpv6}/${s.arpIgnore}/${s.rpFilter}/${(await readAddrGenMode(dev)) ?? ''}`;
      const before = this.#lastSysctls.get(dev);
      this.#lastSysctls.set(dev, key);
      // First sight of a bridge: news only when it is not isolated already (the setup that
      // made it left it isolated, so a difference happened since).
      if (before === undefined ? key !== ISOLATED_KEY : before !== key) changed.push(dev);
    }
    if (changed.length > 0) this.#changed(changed);
  }

  /** Stop the monitor and the timers. */
  close(): void {
    this.#closed = true;
    if (this.#notifyTimer !== null) clearTimeout(this.#notifyTimer);
    if (this.#sysctlTimer !== null) clearInterval(this.#sysctlTimer);
    this.#listeners.clear();
    const child = this.#child;
    this.#child = null;
    child?.kill('SIGTERM');
  }
}
