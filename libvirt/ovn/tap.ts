// SPDX-License-Identifier: Apache-2.0
/**
 * With the userspace datapath a VM's tap stays an ordinary kernel device: OVS reads it through
 * a raw socket, but the host's own stack also receives every frame the guest sends (measured:
 * the tap's IPv6 link-local answered the guest's `ping -6 ff02::1`). The kernel bridge path
 * never has this (a bridge port's frames go to the bridge only). So each OVN tap is made deaf:
 * no IPv6 at all, no ARP answers for any host address, and strict reverse-path filtering so a
 * packet aimed at a host address through the tap is dropped.
 */
import { writeFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';

const TAP = /^[A-Za-z0-9_.-]{1,15}$/;

/** sysctl path → value that makes the host invisible through `tap`. */
export function deafTapSettings(tap: string): [string, string][] {
  if (!TAP.test(tap) || tap === '.' || tap === '..') {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      `Invalid tap name ${JSON.stringify(tap)}.`,
    );
  }
  return [
    [`/proc/sys/net/ipv6/conf/${tap}/disable_ipv6`, '1'],
    // 8: answer no ARP request at all on this device.
    [`/proc/sys/net/ipv4/conf/${tap}/arp_ignore`, '8'],
    [`/proc/sys/net/ipv4/conf/${tap}/rp_filter`, '1'],
  ];
}

/** Apply {@link deafTapSettings} to a tap that exists now. */
export async function makeTapDeaf(tap: string): Promise<void> {
  for (const [path, value] of deafTapSettings(tap)) {
    try {
      await writeFile(path, value);
    } catch (cause) {
      throw new HostError(
        HostErrorCode.HOST_COMMAND_FAILED,
        `Cannot hide the host from VM tap ${tap} (${path}).`,
        String(cause),
        { cause },
      );
    }
  }
}
