// SPDX-License-Identifier: Apache-2.0
/**
 * The engine's side of a remote host: a HostAgent whose every call goes over mutually
 * authenticated TLS to the agent served by ./server.ts on that host. The engine presents its
 * own certificate; the host's must be signed by the engine's CA *and* name that host
 * (CN `host:<id>`), so an enrolled host cannot answer for another.
 *
 * A host that cannot be reached makes calls fail with HYPERVISOR_UNREACHABLE, the code the
 * local agent uses when libvirtd is down, so the engine treats both the same way.
 */
import { connect, type TLSSocket } from 'node:tls';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type {
  ConsoleSession,
  DomainStateChange,
  HostAgent,
  RemoteHostAgent,
  RemoteHostAgentFactory,
  RemoteHostTarget,
} from '../host-agent';
import {
  type ConsoleMethod,
  encodeFrame,
  fromWireError,
  hostCn,
  lineReader,
  PING,
  type RemoteMethod,
  type WireError,
} from './protocol';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

const unreachable = (target: RemoteHostTarget, why: string): HostError =>
  new HostError(
    HostErrorCode.HYPERVISOR_UNREACHABLE,
    `host agent at ${target.address}:${target.port} does not answer: ${why}`,
  );

class TlsHostAgent implements RemoteHostAgent {
  private socket: TLSSocket | null = null;
  private connecting: Promise<TLSSocket> | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly domainListeners = new Set<(c: DomainStateChange) => void>();
  private readonly networkListeners = new Set<(n: readonly string[]) => void>();
  /** Issue 17: open serial consoles of this connection, by the agent's session number. */
  private readonly consoles = new Map<
    number,
    { data: (d: string) => void; exit: (code: number) => void }
  >();
  private closed = false;

  constructor(private readonly target: RemoteHostTarget) {}

  private failAll(e: Error): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(e);
    }
  }

  private open(): Promise<TLSSocket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    const t = this.target;
    this.connecting = new Promise<TLSSocket>((resolve, reject) => {
      const socket = connect({
        host: t.address,
        port: t.port,
        key: t.tls.key,
        cert: t.tls.cert,
        ca: t.tls.ca,
        rejectUnauthorized: true,
        minVersion: 'TLSv1.3',
        // The chain is checked against our CA by TLS; the identity is the host id, not a DNS
        // name (hosts are added by address, and an address can move).
        checkServerIdentity: (_name, cert) => {
          if (cert.subject.CN !== hostCn(t.hostId))
            return new Error(
              `certificate names ${String(cert.subject.CN)}, not ${hostCn(t.hostId)}`,
            );
          if (t.certFingerprint && cert.fingerprint256 !== t.certFingerprint)
            return new Error('not the certificate this host enrolled with');
          return undefined;
        },
      });
      const timer = setTimeout(() => {
        socket.destroy(new Error('TLS handshake timed out'));
      }, t.connectTimeoutMs ?? 3_000);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        socket.setNoDelay(true);
        socket.setKeepAlive(true, 5_000);
        this.socket = socket;
        resolve(socket);
      });
      socket.on(
        'data',
        lineReader(
          (f) => {
            this.onFrame(f);
          },
          (why) => socket.destroy(new Error(why)),
        ),
      );
      socket.once('error', (e: Error) => {
        clearTimeout(timer);
        reject(unreachable(t, e.message));
      });
      socket.once('close', () => {
        clearTimeout(timer);
        if (this.socket === socket) this.socket = null;
        this.failAll(unreachable(t, 'connection closed'));
        // The agent closed their sessions with the connection.
        for (const c of [...this.consoles.values()]) c.exit(-1);
        reject(unreachable(t, 'connection closed'));
      });
    }).finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private onFrame(raw: unknown): void {
    const f = raw as {
      id?: number;
      result?: unknown;
      error?: WireError;
      event?: string;
      data?: unknown;
    };
    if (f.event === 'domain') {
      for (const l of this.domainListeners) l(f.data as DomainStateChange);
      return;
    }
    if (f.event === 'console' || f.event === 'console-exit') {
      const d = f.data as { session?: unknown; data?: unknown; code?: unknown };
      const c = typeof d.session === 'number' ? this.consoles.get(d.session) : undefined;
      if (f.event === 'console' && typeof d.data === 'string') c?.data(d.data);
      if (f.event === 'console-exit') c?.exit(typeof d.code === 'number' ? d.code : -1);
      return;
    }
    if (f.event === 'network') {
      for (const l of this.networkListeners) l(f.data as readonly string[]);
      return;
    }
    if (typeof f.id !== 'number') return;
    const p = this.pending.get(f.id);
    if (!p) return;
    this.pending.delete(f.id);
    clearTimeout(p.timer);
    if (f.error) p.reject(fromWireError(f.error));
    else p.resolve(f.result);
  }

  private async call<T>(
    method: RemoteMethod | ConsoleMethod | typeof PING,
    params: unknown[],
    timeoutMs?: number,
  ): Promise<T> {
    if (this.closed) throw unreachable(this.target, 'the engine closed this connection');
    const socket = await this.open();
    const id = this.nextId++;
    const limit = timeoutMs ?? this.target.callTimeoutMs ?? 120_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          method === PING
            ? unreachable(this.target, `no answer within ${limit} ms`)
            : new HostError(HostErrorCode.HOST_TIMEOUT, `${method} on the remote host timed out`),
        );
      }, limit);
      this.pending.set(id, {
        resolve: (v) => {
          resolve(v as T);
        },
        reject,
        timer,
      });
      socket.write(encodeFrame({ id, method, params }));
    });
  }

  async ping(timeoutMs: number): Promise<void> {
    const open = this.open();
    const limit = new Promise<never>((_, reject) => {
      setTimeout(() => {
        reject(unreachable(this.target, 'TLS handshake timed out'));
      }, timeoutMs).unref();
    });
    await Promise.race([open, limit]);
    await this.call<string>(PING, [], timeoutMs);
  }

  getCapabilities: HostAgent['getCapabilities'] = () => this.call('getCapabilities', []);
  setupNetworks: HostAgent['setupNetworks'] = (r) => this.call('setupNetworks', [r]);
  reportNetworks: HostAgent['reportNetworks'] = (n) => this.call('reportNetworks', [n]);
  commitNetworkConfig: HostAgent['commitNetworkConfig'] = () =>
    this.call('commitNetworkConfig', []);
  onNetworkChange(listener: (networks: readonly string[]) => void): () => void {
    this.networkListeners.add(listener);
    void this.open().catch(() => undefined);
    return () => this.networkListeners.delete(listener);
  }
  deviceCounters: HostAgent['deviceCounters'] = (d) => this.call('deviceCounters', [d]);
  domainStart: HostAgent['domainStart'] = (d) => this.call('domainStart', [d]);
  domainShutdown: HostAgent['domainShutdown'] = (u, t) =>
    this.call('domainShutdown', [u, t], t + 30_000);
  domainPowerOff: HostAgent['domainPowerOff'] = (u) => this.call('domainPowerOff', [u]);
  domainUndefine: HostAgent['domainUndefine'] = (u) => this.call('domainUndefine', [u]);
  domainList: HostAgent['domainList'] = () => this.call('domainList', []);
  domainChangeMedia = (uuid: string, path: string | null): Promise<void> =>
    this.call('domainChangeMedia', [uuid, path]);
  isIsoImage = (path: string): Promise<boolean> => this.call('isIsoImage', [path]);
  spiceSupported = (): Promise<boolean> => this.call('spiceSupported', []);
  domainSpice = (uuid: string): Promise<{ address: string; port: number } | null> =>
    this.call('domainSpice', [uuid]);
  domainSpiceTicket = (uuid: string, password: string, validTo: Date): Promise<void> =>
    this.call('domainSpiceTicket', [uuid, password, validTo]);
  onDomainStateChange(listener: (change: DomainStateChange) => void): () => void {
    this.domainListeners.add(listener);
    void this.open().catch(() => undefined);
    return () => this.domainListeners.delete(listener);
  }
  /**
   * Issue 17: the VM's serial console over this connection (protocol.ts CONSOLE_METHODS).
   * Writes are sent in order on the one socket; a lost connection ends the session (exit -1).
   */
  async domainConsole(uuid: string): Promise<ConsoleSession> {
    const { session: id } = await this.call<{ session: number }>('consoleOpen', [uuid]);
    const data = new Set<(d: string) => void>();
    const exit = new Set<(code: number) => void>();
    let ended = false;
    const end = (code: number): void => {
      if (ended) return;
      ended = true;
      this.consoles.delete(id);
      for (const l of exit) l(code);
    };
    this.consoles.set(id, {
      data: (d) => {
        for (const l of data) l(d);
      },
      exit: end,
    });
    const send = (
      method: 'consoleWrite' | 'consoleResize' | 'consoleClose',
      p: unknown[],
    ): void => {
      if (ended) return;
      this.call(method, [id, ...p]).catch(() => undefined);
    };
    return {
      write: (d) => {
        send('consoleWrite', [d]);
      },
      onData: (l) => {
        data.add(l);
        return () => data.delete(l);
      },
      onExit: (l) => {
        exit.add(l);
        return () => exit.delete(l);
      },
      resize: (cols, rows) => {
        send('consoleResize', [cols, rows]);
      },
      close: () => {
        send('consoleClose', []);
        end(0);
      },
    };
  }
  domainGraphics: HostAgent['domainGraphics'] = (u) => this.call('domainGraphics', [u]);
  domainGraphicsTicket: HostAgent['domainGraphicsTicket'] = (u, p, v) =>
    this.call('domainGraphicsTicket', [u, p, v.toISOString()]);
  prepareStorageDomain: HostAgent['prepareStorageDomain'] = (p) =>
    this.call('prepareStorageDomain', [p]);
  storageSpace: HostAgent['storageSpace'] = (p) => this.call('storageSpace', [p]);
  removeStalePartials: HostAgent['removeStalePartials'] = (p) =>
    this.call('removeStalePartials', [p]);
  createVolume: HostAgent['createVolume'] = (r) => this.call('createVolume', [r]);
  // The progress callback stays behind (a function does not cross the wire); the copy still
  // runs to completion. Progress events over the wire are a later step.
  copyVolume: HostAgent['copyVolume'] = (r) =>
    this.call('copyVolume', [{ ...r, onProgress: undefined }], 60 * 60_000);
  volumeInfo: HostAgent['volumeInfo'] = (p, f) => this.call('volumeInfo', [p, f]);
  checkVolume: HostAgent['checkVolume'] = (p, e, o) => this.call('checkVolume', [p, e, o]);
  resizeVolume: HostAgent['resizeVolume'] = (p, s, f) => this.call('resizeVolume', [p, s, f]);
  rebaseVolume: HostAgent['rebaseVolume'] = (p, b) => this.call('rebaseVolume', [p, b]);
  removeVolume: HostAgent['removeVolume'] = (p) => this.call('removeVolume', [p]);
  domainSnapshotDisks: HostAgent['domainSnapshotDisks'] = (u, d) =>
    this.call('domainSnapshotDisks', [u, d]);
  bundledImages: HostAgent['bundledImages'] = () => this.call('bundledImages', []);
  setupSegmentServices: HostAgent['setupSegmentServices'] = (n, p) =>
    this.call('setupSegmentServices', [n, p]);
  reportSegmentServices: HostAgent['reportSegmentServices'] = (n) =>
    this.call('reportSegmentServices', [n]);
  segmentLeases: HostAgent['segmentLeases'] = (n) => this.call('segmentLeases', [n]);
  restoreSegmentServices: HostAgent['restoreSegmentServices'] = () =>
    this.call('restoreSegmentServices', []);
  cloudInitSeed: HostAgent['cloudInitSeed'] = (r) => this.call('cloudInitSeed', [r]);
  removeCloudInitSeed: HostAgent['removeCloudInitSeed'] = (v) =>
    this.call('removeCloudInitSeed', [v]);
  hostDevice: HostAgent['hostDevice'] = (n) => this.call('hostDevice', [n]);
  isolationTest: HostAgent['isolationTest'] = (n, m) => this.call('isolationTest', [n, m], 300_000);
  setupOvnChassis: NonNullable<HostAgent['setupOvnChassis']> = (r) =>
    this.call('setupOvnChassis', [r]);
  reportOvnChassis: NonNullable<HostAgent['reportOvnChassis']> = () =>
    this.call('reportOvnChassis', []);
  setupOvnCentral: NonNullable<HostAgent['setupOvnCentral']> = (a) =>
    this.call('setupOvnCentral', [a]);
  setupOvnSwitch: NonNullable<HostAgent['setupOvnSwitch']> = (s) =>
    this.call('setupOvnSwitch', [s]);
  reportOvnSwitch: NonNullable<HostAgent['reportOvnSwitch']> = (n) =>
    this.call('reportOvnSwitch', [n]);
  removeOvnSwitch: NonNullable<HostAgent['removeOvnSwitch']> = (n) =>
    this.call('removeOvnSwitch', [n]);

  close(): Promise<void> {
    this.closed = true;
    this.socket?.destroy();
    this.failAll(unreachable(this.target, 'the engine closed this connection'));
    this.domainListeners.clear();
    this.networkListeners.clear();
    return Promise.resolve();
  }
}

/** A HostAgent for a remote host; connects on first use and again after a loss. */
export const connectRemoteHostAgent: RemoteHostAgentFactory = (target) => new TlsHostAgent(target);
