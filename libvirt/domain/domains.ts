// SPDX-License-Identifier: Apache-2.0
/**
 * Domain lifecycle on top of the managed connection: define + start, ACPI shutdown with a
 * deadline and then power off, power off, undefine. Power rules (which transition is allowed
 * when) belong to the engine's validators; here an operation on a domain already in the
 * target state simply succeeds, so retries are safe.
 *
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainShutdown
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { DomainDesc, DomainState } from '../host-agent';
import type { LibvirtConnection } from '../hypervisor';
import { domainXml, type DomainXmlOptions } from './domain-xml';

const POLL_MS = 250;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** libvirt says "not running" when asked to stop a stopped domain: that is success here. */
function isNotRunning(error: unknown): boolean {
  return error instanceof HostError && /not running|domain is not active/i.test(error.message);
}

/** Define (or redefine) and start a domain. */
export async function startDomain(
  conn: LibvirtConnection,
  desc: DomainDesc,
  xmlOptions: DomainXmlOptions,
): Promise<void> {
  const xml = domainXml(desc, xmlOptions);
  // libvirt (running as root here) creates the log file but not its directory.
  await mkdir(dirname(desc.serialLogPath), { recursive: true });
  const existed = (await stateOrNull(conn, desc.uuid)) !== null;
  await conn.defineXml(xml);
  try {
    await conn.start(desc.uuid);
  } catch (error) {
    // Do not leave behind a definition this call created for a VM that never ran.
    if (!existed) await conn.undefine(desc.uuid).catch(() => undefined);
    throw error;
  }
}

/** State, with a domain that does not exist reported as null. */
export async function stateOrNull(
  conn: LibvirtConnection,
  uuid: string,
): Promise<DomainState | null> {
  try {
    return await conn.state(uuid);
  } catch (error) {
    if (error instanceof HostError && error.code === HostErrorCode.DOMAIN_NOT_FOUND) return null;
    throw error;
  }
}

/** Wait until the domain is down (or gone); false when `timeoutMs` passed first. */
export async function waitDown(
  conn: LibvirtConnection,
  uuid: string,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await stateOrNull(conn, uuid);
    if (state === null || state === 'down') return true;
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
}

/** Hard power off; succeeds when the domain is already down. */
export async function powerOffDomain(conn: LibvirtConnection, uuid: string): Promise<void> {
  try {
    await conn.destroy(uuid);
  } catch (error) {
    if (!isNotRunning(error)) throw error;
  }
  if (!(await waitDown(conn, uuid, 30_000))) {
    throw new HostError(HostErrorCode.HOST_TIMEOUT, `domain ${uuid} did not power off within 30 s`);
  }
}

/**
 * ACPI shutdown; if the guest is not down within `timeoutMs`, power it off. Resolves when the
 * domain is down. @throws DOMAIN_NOT_FOUND
 */
export async function shutdownDomain(
  conn: LibvirtConnection,
  uuid: string,
  timeoutMs: number,
): Promise<void> {
  const state = await conn.state(uuid);
  if (state === 'down') return;
  try {
    await conn.shutdown(uuid);
  } catch (error) {
    if (!isNotRunning(error)) throw error;
  }
  if (await waitDown(conn, uuid, timeoutMs)) return;
  await powerOffDomain(conn, uuid);
}

/** Remove the definition; no-op when it does not exist. @throws HYPERVISOR_ERROR when running */
export async function undefineDomain(conn: LibvirtConnection, uuid: string): Promise<void> {
  const state = await stateOrNull(conn, uuid);
  if (state === null) return;
  if (state !== 'down') {
    // libvirt would turn a running persistent domain into a transient one; refuse instead.
    throw new HostError(
      HostErrorCode.HYPERVISOR_ERROR,
      `domain ${uuid} is ${state}: stop it before undefining`,
    );
  }
  try {
    await conn.undefine(uuid);
  } catch (error) {
    if (!(error instanceof HostError && error.code === HostErrorCode.DOMAIN_NOT_FOUND)) throw error;
  }
}
