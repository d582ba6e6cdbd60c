// SPDX-License-Identifier: Apache-2.0
/**
 * Does a device of this name exist on the host, and is it one this host layer manages? Asked
 * by the engine when a network is created or renamed (issue 13 item 10), so a name that can
 * never become the network's bridge (`lo`, `eth0`, a VM tap, docker0) is refused at once
 * instead of only when the network is attached. Read from the host's fact cache when there is
 * one, else one `ip` call: creating a network stays cheap.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { deviceNameProblem } from '../../main/contract/rules/names';
import { runJson } from '../exec';
import type { HostDevice } from '../host-agent';

/**
 * The device `name` as the kernel reports it, or null when there is none.
 * `managed`: a bridge this host layer created or adopted (its running config).
 * @throws HostError HOST_NETWORK_INVALID for a name no device can have, HOST_COMMAND_FAILED
 *   when iproute2 fails otherwise
 */
export async function lookupHostDevice(
  name: string,
  managed: ReadonlySet<string> | (() => Promise<ReadonlySet<string>>),
  cached?: (name: string) => Promise<{ readonly kind: string | null } | null>,
): Promise<HostDevice | null> {
  // The running config is read only for a bridge that exists (a new name usually has none).
  const isManaged = async (): Promise<boolean> =>
    (typeof managed === 'function' ? await managed() : managed).has(name);
  if (deviceNameProblem(name) !== null) {
    throw new HostError(HostErrorCode.HOST_NETWORK_INVALID, `not a device name: ${name}`);
  }
  // The host's fact cache (kept current by `ip monitor`, issue 14) answers without a fork.
  if (cached) {
    const link = await cached(name);
    if (link === null) return null;
    return { name, kind: link.kind, managed: link.kind === 'bridge' && (await isManaged()) };
  }
  let links: { linkinfo?: { info_kind?: string } }[];
  try {
    links = (await runJson('ip', ['-d', '-json', 'link', 'show', 'dev', name])) as typeof links;
  } catch (e) {
    if (e instanceof HostError && /does not exist/.test(`${e.detail} ${e.message}`)) return null;
    throw e;
  }
  const kind = links[0]?.linkinfo?.info_kind ?? null;
  return { name, kind, managed: kind === 'bridge' && (await isManaged()) };
}
