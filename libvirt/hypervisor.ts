// SPDX-License-Identifier: Apache-2.0
/**
 * The one wrapper around the libvirt binding (unraid/api's `VmsService` habit): the only file
 * that imports `@unraid/libvirt`. It owns one connection (a single in-flight connect shared by
 * concurrent callers; on a connection error it resets and retries the call once — a
 * non-idempotent call (start, power off) first asks whether the first attempt got through
 * and does not repeat it then; `close()` on shutdown), speaks in domain UUIDs and plain values, and turns every `LibvirtError` into a
 * {@link HostError}.
 *
 * The binding has no event API (no virConnectDomainEventRegisterAny) and no version call, so
 * state changes are polled (domain-events.ts) and the libvirt version comes from `virsh`.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html
 */
import type * as Binding from '@unraid/libvirt';
import type { Domain, Hypervisor, LibvirtError } from '@unraid/libvirt';

import { HostError, HostErrorCode } from '../main/contract/errors';
import type { DomainState } from './host-agent';

/**
 * The binding (and xml2js under it, ~30 ms) loads on the first connect, not with the engine:
 * the engine's first answer needs no hypervisor (issue 14).
 */
let binding: Promise<typeof Binding> | null = null;
const loadBinding = (): Promise<typeof Binding> => (binding ??= import('@unraid/libvirt'));

/** libvirt's virDomainState values (stable ABI; the binding's DomainState enum has the same). */
const LvState = {
  NOSTATE: 0,
  RUNNING: 1,
  BLOCKED: 2,
  PAUSED: 3,
  SHUTDOWN: 4,
  SHUTOFF: 5,
  CRASHED: 6,
  PMSUSPENDED: 7,
} as const;

/** The binding's LibvirtError, recognised without loading the binding. */
function isLibvirtError(error: unknown): error is LibvirtError {
  return (
    error instanceof Error &&
    error.name === 'LibvirtError' &&
    typeof (error as { code?: unknown }).code === 'number'
  );
}

/** libvirt virErrorNumber values we branch on (the binding often reports -1; text decides then). */
const VIR_ERR_NO_DOMAIN = 42;
const VIR_ERR_SYSTEM_ERROR = 38;
const VIR_ERR_NO_CONNECT = 5;
const VIR_ERR_INVALID_CONN = 3;

const UNREACHABLE_TEXT =
  /failed to connect socket|invalid connection pointer|client socket is closed|end of file while reading|cannot recv data|cannot write data|no connection driver|broken pipe|not connected|connection reset|unable to connect/i;
const NOT_FOUND_TEXT = /domain not found|no domain with matching/i;

/** Describe anything thrown. */
function textOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True when the error means the connection is gone (reset and retry once). */
export function isConnectionError(error: unknown): boolean {
  if (isLibvirtError(error) && [VIR_ERR_NO_CONNECT, VIR_ERR_INVALID_CONN].includes(error.code))
    return true;
  if (
    isLibvirtError(error) &&
    error.code === VIR_ERR_SYSTEM_ERROR &&
    UNREACHABLE_TEXT.test(error.message)
  ) {
    return true;
  }
  return UNREACHABLE_TEXT.test(textOf(error));
}

/** Map a binding error onto our host error codes. */
export function toHostError(error: unknown, what: string): HostError {
  if (error instanceof HostError) return error;
  const text = textOf(error);
  const code =
    (isLibvirtError(error) && error.code === VIR_ERR_NO_DOMAIN) || NOT_FOUND_TEXT.test(text)
      ? HostErrorCode.DOMAIN_NOT_FOUND
      : isConnectionError(error)
        ? HostErrorCode.HYPERVISOR_UNREACHABLE
        : HostErrorCode.HYPERVISOR_ERROR;
  return new HostError(code, `${what}: ${text}`, text, { cause: error });
}

/** libvirt's virDomainState in the engine's words. */
const STATES: Readonly<Record<number, DomainState>> = {
  [LvState.RUNNING]: 'up',
  [LvState.BLOCKED]: 'up',
  [LvState.PAUSED]: 'paused',
  [LvState.PMSUSPENDED]: 'paused',
  [LvState.SHUTDOWN]: 'powering_down',
  [LvState.SHUTOFF]: 'down',
  [LvState.CRASHED]: 'down',
};

/** Map libvirt's numeric domain state onto {@link DomainState}. */
export function toDomainState(state: number): DomainState {
  return STATES[state] ?? 'unknown';
}

/** Does libvirt's state mean QEMU runs (a start got through)? */
export function isActive(state: number): boolean {
  const inactive: readonly number[] = [LvState.SHUTOFF, LvState.CRASHED, LvState.NOSTATE];
  return !inactive.includes(state);
}

/** One domain in a listing. */
export interface DomainSummary {
  readonly uuid: string;
  readonly name: string;
  readonly state: DomainState;
}

/** Host facts libvirt knows. */
export interface NodeSummary {
  readonly hostname: string;
  readonly memoryBytes: number;
  readonly cpus: number;
  readonly cpuModel: string;
}

/** The managed libvirt connection. */
export class LibvirtConnection {
  readonly uri: string;
  #conn: Promise<Hypervisor> | null = null;
  #closed = false;

  constructor(uri = 'qemu:///system') {
    this.uri = uri;
  }

  /** The open connection; concurrent callers share one connect. */
  #connection(): Promise<Hypervisor> {
    if (this.#closed) {
      return Promise.reject(
        new HostError(HostErrorCode.HYPERVISOR_UNREACHABLE, 'the libvirt connection was closed'),
      );
    }
    if (this.#conn === null) {
      const uri = this.uri;
      const opening = loadBinding().then(async (lib) => {
        const h = new lib.Hypervisor({ uri });
        await h.connectOpen();
        return h;
      });
      this.#conn = opening;
      opening.catch(() => {
        if (this.#conn === opening) this.#conn = null;
      });
    }
    return this.#conn;
  }

  /** Drop the current connection (closing it quietly) so the next call reconnects. */
  async #reset(): Promise<void> {
    const old = this.#conn;
    this.#conn = null;
    if (old === null) return;
    try {
      await (await old).connectClose();
    } catch {
      // The connection is already broken; there is nothing left to close.
    }
  }

  /**
   * Run `fn` on the connection; on a connection error reset and retry exactly once, with
   * `retry` (default `fn`): the first attempt may have reached libvirtd before the connection
   * broke, so a non-idempotent call passes a retry that checks before acting again.
   */
  async call<T>(
    what: string,
    fn: (h: Hypervisor) => Promise<T>,
    retry: (h: Hypervisor) => Promise<T> = fn,
  ): Promise<T> {
    try {
      return await fn(await this.#connection());
    } catch (error) {
      if (!isConnectionError(error) || this.#closed) throw toHostError(error, what);
      await this.#reset();
      try {
        return await retry(await this.#connection());
      } catch (retryError) {
        throw toHostError(retryError, what);
      }
    }
  }

  #withDomain<T>(
    what: string,
    uuid: string,
    fn: (h: Hypervisor, d: Domain) => Promise<T>,
    retry: (h: Hypervisor, d: Domain) => Promise<T> = fn,
  ): Promise<T> {
    return this.call(
      `${what} ${uuid}`,
      async (h) => fn(h, await h.domainLookupByUUIDString(uuid)),
      async (h) => retry(h, await h.domainLookupByUUIDString(uuid)),
    );
  }

  /** Define (or redefine) a persistent domain from XML. */
  async defineXml(xml: string): Promise<void> {
    await this.call('define domain', (h) => h.domainDefineXML(xml));
  }

  /** Start a defined domain (never twice: a retry after a lost connection checks first). */
  start(uuid: string): Promise<void> {
    return this.#withDomain(
      'start domain',
      uuid,
      (h, d) => h.domainCreate(d),
      async (h, d) => {
        if (isActive((await h.domainGetInfo(d)).state)) return;
        await h.domainCreate(d);
      },
    );
  }

  /** Send the ACPI power button. */
  shutdown(uuid: string): Promise<void> {
    return this.#withDomain('shut down domain', uuid, (h, d) => h.domainShutdown(d));
  }

  /** Hard power off (a retry after a lost connection checks whether it already happened). */
  destroy(uuid: string): Promise<void> {
    return this.#withDomain(
      'power off domain',
      uuid,
      (h, d) => h.domainDestroy(d),
      async (h, d) => {
        if (!isActive((await h.domainGetInfo(d)).state)) return;
        await h.domainDestroy(d);
      },
    );
  }

  /** Remove the definition. */
  undefine(uuid: string): Promise<void> {
    return this.#withDomain('undefine domain', uuid, (h, d) => h.domainUndefine(d));
  }

  /** The domain's state. */
  state(uuid: string): Promise<DomainState> {
    return this.#withDomain('read state of domain', uuid, async (h, d) =>
      toDomainState((await h.domainGetInfo(d)).state),
    );
  }

  /** The live domain XML (`virsh dumpxml`). */
  xml(uuid: string): Promise<string> {
    return this.#withDomain('read XML of domain', uuid, (h, d) => h.domainGetXMLDesc(d));
  }

  /** Every domain, active or not. */
  list(): Promise<DomainSummary[]> {
    return this.call('list domains', async (h) => {
      const domains = await h.connectListAllDomains();
      const rows = await Promise.all(
        domains.map(async (d): Promise<DomainSummary | null> => {
          try {
            const [uuid, name, info] = await Promise.all([
              h.domainGetUUIDString(d),
              h.domainGetName(d),
              h.domainGetInfo(d),
            ]);
            return { uuid, name, state: toDomainState(info.state) };
          } catch (error) {
            // A domain undefined between the listing and the lookup is simply gone.
            if (NOT_FOUND_TEXT.test(textOf(error))) return null;
            throw error;
          }
        }),
      );
      return rows.filter((r) => r !== null);
    });
  }

  /** Host name, memory, CPUs and model as libvirt sees them. */
  node(): Promise<NodeSummary> {
    return this.call('read node info', async (h) => {
      const [info, hostname] = await Promise.all([h.nodeGetInfo(), h.connectGetHostname()]);
      return { hostname, memoryBytes: info.memory * 1024, cpus: info.cpus, cpuModel: info.model };
    });
  }

  /** Close the connection; later calls fail with HYPERVISOR_UNREACHABLE. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#reset();
  }
}
