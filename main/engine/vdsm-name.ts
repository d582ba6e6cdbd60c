// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt's `vdsm_name` rule (utils `NetworkUtils.setNetworkVdsmName`): the on-host (bridge)
 * name is the network name itself when it is a valid interface name, otherwise `on` + the
 * first 13 alphanumerics of the network's UUID — 15 characters, the kernel's IFNAMSIZ - 1.
 */
const HOST_NIC_NAME_PATTERN = /^[0-9a-zA-Z_-]{1,15}$/;

/** The bridge name for a network. */
export function vdsmNameOf(name: string, id: string): string {
  if (HOST_NIC_NAME_PATTERN.test(name)) return name;
  return `on${id.replace(/[^0-9a-zA-Z]/g, '').slice(0, 13)}`;
}
