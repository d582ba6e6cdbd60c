// SPDX-License-Identifier: Apache-2.0
/**
 * Name rules, once (issue 14): on-host device names (the kernel's and iproute2's), the bridge
 * names the host layer creates, and oVirt's `vdsm_name` rule. Pure and free of Node
 * (TextEncoder, not Buffer), so the renderer can run them too.
 */

/** The kernel's IFNAMSIZ (16) minus the terminating NUL. */
export const MAX_DEVICE_NAME_BYTES = 15;

/**
 * Why `name` can never be a Linux device name, or null. Kernel `dev_valid_name`: not empty, at
 * most 15 bytes, not `.` or `..`, no `/`, `:` or white space; and not starting with `-`,
 * which iproute2 (and so the host layer) would read as an option.
 */
export function deviceNameProblem(name: string): string | null {
  if (name.length === 0) return 'it is empty';
  if (new TextEncoder().encode(name).length > MAX_DEVICE_NAME_BYTES)
    return `it is longer than ${MAX_DEVICE_NAME_BYTES} bytes`;
  if (name === '.' || name === '..') return `'${name}' is reserved`;
  if (/[/:\s]/u.test(name)) return "it contains '/', ':' or white space";
  if (name.startsWith('-')) return "it starts with '-' (read as an option by iproute2)";
  return null;
}

/**
 * Bridges the host layer creates or removes. Linux allows more, but these names survive every
 * tool (ip, sysctl paths, libvirt XML, dnsmasq arguments).
 */
export const BRIDGE_NAME_PATTERN = /^[0-9A-Za-z_][0-9A-Za-z_-]{0,14}$/;

/** oVirt's valid host interface name (`NetworkUtils`): what may be used as `vdsm_name` as is. */
const HOST_NIC_NAME_PATTERN = /^[0-9a-zA-Z_-]{1,15}$/;

/**
 * oVirt's `vdsm_name` rule (utils `NetworkUtils.setNetworkVdsmName`): the on-host (bridge)
 * name is the network name itself when it is a valid interface name, otherwise `on` + the
 * first 13 alphanumerics of the network's UUID — 15 characters, the kernel's IFNAMSIZ - 1.
 */
export function vdsmNameOf(name: string, id: string): string {
  if (HOST_NIC_NAME_PATTERN.test(name)) return name;
  return `on${id.replace(/[^0-9a-zA-Z]/g, '').slice(0, 13)}`;
}
