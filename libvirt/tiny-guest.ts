// SPDX-License-Identifier: Apache-2.0
/**
 * The demo guest "tiny": where `npm run setup` cached it, and how to talk to it.
 *
 * The guest is a Debian cloud kernel plus a busybox initramfs (built by
 * build/guest/build-tiny-guest.ts, /init in build/guest/rootfs/init). It is booted by direct
 * kernel boot: `<kernel>`, `<initrd>` and `<cmdline>` in the domain XML (or `-kernel`,
 * `-initrd`, `-append` for qemu). Its contract:
 *
 * - Command line, built only by {@link tinyGuestCmdline}: `console=ttyS0`, `aio.name=<name>`,
 *   one `aio.ip=<nic>:<address>/<prefix>` per address, or `aio.ip=<nic>:dhcp` for a NIC that
 *   asks DHCP (busybox udhcpc; it keeps renewing, sends the guest name as its hostname, and
 *   writes /etc/resolv.conf from the lease's DNS servers and domain). NICs are `eth0`, `eth1`, … in PCI order
 *   (the order of `<interface>` elements). The MTU is not on the command line: the guest takes
 *   the one its virtio device reports, so give libvirt `<mtu size='…'/>` on the interface.
 * - Only virtio NICs work ({@link TINY_GUEST_NIC_MODELS}): Debian's cloud kernel has no e1000
 *   or rtl8139 driver at all, so such a NIC never appears in the guest (its `aio.ip` then
 *   yields `AIO-WARN no device ethN`).
 * - Every `eth*` comes up, addressed or not, with an IPv6 link-local address usable at once
 *   (no duplicate address detection), so `ping -6 ff02::1%eth0` works from the shell.
 * - Once every NIC is up it prints exactly one line on ttyS0 (see {@link parseReadyLine}):
 *   `AIO-READY name=vm1 eth0=10.0.0.1/24,mtu=9000 eth1=10.1.0.1/24,mtu=1500`
 *   (a DHCP NIC shows the address it leased). Problems print `AIO-WARN …` lines before it (a
 *   NIC named on the command line that does not exist, or a DHCP NIC that got no lease within
 *   about 20 s, is left out of the ready line).
 * - Then a root shell with job control on ttyS0, prompt {@link TINY_GUEST_PROMPT}, respawned when
 *   it exits. After each prompt busybox asks the terminal for the cursor position (`ESC[6n`):
 *   a terminal (xterm.js) answers it; in a serial log it shows up as `\x1b[6n` after `aio# `.
 * - ACPI power button (`virsh shutdown`) powers it off cleanly within a few seconds.
 *
 * Under TCG (this machine) it reaches the ready line a few seconds after the domain starts; give
 * it at least 192 MiB of memory.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../main/contract/errors';
import type { GuestNicAddress, GuestNicDhcp, NicModel } from './host-agent';

// The ready line (its prefix, types and parser) lives in tiny-guest-ready.ts, a module with no
// imports, so host-agent.ts can re-export the parser for the engine without an import cycle.
export {
  parseReadyLine,
  TINY_GUEST_READY_PREFIX,
  type TinyGuestReady,
  type TinyGuestReadyNic,
} from './tiny-guest-ready';
/** The shell prompt on ttyS0 (`PS1`). */
export const TINY_GUEST_PROMPT = 'aio# ';
/** Printed by the guest booted with {@link TINY_GUEST_PROBE_CMDLINE}, just before it powers off. */
export const TINY_GUEST_PROBE_OK = 'AIO-PROBE-OK';
/** Command line of the accelerator probe: print {@link TINY_GUEST_PROBE_OK}, power off. */
export const TINY_GUEST_PROBE_CMDLINE = 'console=ttyS0 quiet aio.probe=1';
/** NIC models the guest has drivers for (the cloud kernel builds no e1000/rtl8139 driver). */
export const TINY_GUEST_NIC_MODELS: readonly NicModel[] = ['virtio'];
/** Memory the guest is tested with; it needs about 100 MiB to unpack and run. */
export const TINY_GUEST_MEMORY_MIB = 192;

/** The manifest the builder writes after a successful build (`<cache>/tiny-guest.json`). */
export interface TinyGuestManifest {
  readonly name: 'tiny';
  /** Content hash of every build input (builder, /init and friends, kernel, busybox). */
  readonly hash: string;
  /** Absolute path of the kernel image (bzImage). */
  readonly kernelPath: string;
  /** Absolute path of the gzip-compressed newc initramfs. */
  readonly initrdPath: string;
  /** `uname -r` inside the guest, e.g. `6.1.0-56-cloud-amd64`. */
  readonly kernelVersion: string;
  /** Debian package and version the kernel came from. */
  readonly kernelPackage: string;
  readonly kernelPackageVersion: string;
  readonly busyboxVersion: string;
  readonly kernelBytes: number;
  readonly initrdBytes: number;
  /** Kernel modules in the initramfs, in load order. */
  readonly modules: readonly string[];
  /** ISO 8601 time of the build. */
  readonly builtAt: string;
}

/** Environment variables that decide where the cache lives. */
export type CacheEnv = Readonly<Record<string, string | undefined>>;

/**
 * Directory of everything `npm run setup` builds or records (guest image, accelerator probe):
 * `$AIO_CACHE_DIR`, else `$XDG_CACHE_HOME/aio-lab`, else `~/.cache/aio-lab`.
 */
export function aioCacheDir(env: CacheEnv = process.env): string {
  if (env.AIO_CACHE_DIR) return env.AIO_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'aio-lab');
  return join(env.HOME ?? homedir(), '.cache', 'aio-lab');
}

/** Path of the current guest manifest in a cache directory. */
export function tinyGuestManifestPath(cacheDir: string = aioCacheDir()): string {
  return join(cacheDir, 'tiny-guest.json');
}

/**
 * Reads the manifest of the cached guest and checks its files are there with the recorded
 * sizes. Synchronous and cheap: call it whenever a domain is built.
 *
 * @throws HostError HOST_COMMAND_FAILED when the guest was not built (or its files are gone);
 *   the message says to run `npm run setup`.
 */
export function readTinyGuest(cacheDir: string = aioCacheDir()): TinyGuestManifest {
  const path = tinyGuestManifestPath(cacheDir);
  const fail = (why: string): HostError =>
    new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `The demo guest "tiny" is not ready (${why}): run \`npm run setup\`.`,
      path,
    );
  if (!existsSync(path)) throw fail(`no ${path}`);
  let manifest: TinyGuestManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as TinyGuestManifest;
  } catch (error) {
    throw fail(`unreadable manifest: ${String(error)}`);
  }
  for (const [file, bytes] of [
    [manifest.kernelPath, manifest.kernelBytes],
    [manifest.initrdPath, manifest.initrdBytes],
  ] as const) {
    if (typeof file !== 'string' || !existsSync(file))
      throw fail(`missing ${JSON.stringify(file)}`);
    if (statSync(file).size !== bytes) throw fail(`${file} changed size`);
  }
  return manifest;
}

/** Guest (domain) names the command line accepts: they become the guest's hostname too. */
const GUEST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
/** Linux interface names: at most 15 characters; no `:` or `/` (they delimit `aio.ip`). */
const GUEST_NIC = /^[a-z][a-z0-9_]{0,14}$/;

/** What {@link tinyGuestCmdline} needs. */
export interface TinyGuestCmdlineOptions {
  /** Guest name: letters, digits, `_ . -`, starting with a letter or digit, at most 63. */
  readonly name: string;
  /** Static addresses or DHCP, at most one per NIC (IPv4 or IPv6). NICs not named just come up. */
  readonly addresses: readonly (GuestNicAddress | GuestNicDhcp)[];
}

/**
 * Builds the kernel command line of the tiny guest, e.g.
 * `console=ttyS0 quiet aio.name=vm1 aio.ip=eth0:10.0.0.1/24 aio.ip=eth1:10.1.0.1/24`.
 *
 * Every value is validated, so nothing can smuggle extra kernel parameters in (no spaces,
 * quotes, control characters, `=` or other separators get through).
 *
 * @throws HostError HOST_NETWORK_INVALID naming the bad value: invalid name, NIC name, address
 *   or prefix, or a NIC listed twice.
 */
export function tinyGuestCmdline(options: TinyGuestCmdlineOptions): string {
  const invalid = (message: string): HostError =>
    new HostError(HostErrorCode.HOST_NETWORK_INVALID, message);
  const { name, addresses } = options;
  if (typeof name !== 'string' || !GUEST_NAME.test(name)) {
    throw invalid(`Invalid guest name ${JSON.stringify(name)} for the tiny guest command line.`);
  }
  const seen = new Set<string>();
  const parts = ['console=ttyS0', 'quiet', `aio.name=${name}`];
  for (const entry of addresses) {
    const { nic } = entry;
    if (typeof nic !== 'string' || !GUEST_NIC.test(nic)) {
      throw invalid(`Invalid guest NIC name ${JSON.stringify(nic)}.`);
    }
    if (seen.has(nic)) throw invalid(`Guest NIC ${nic} is given more than one address.`);
    seen.add(nic);
    if ('bootProtocol' in entry) {
      if (entry.bootProtocol !== 'dhcp') {
        throw invalid(`Invalid boot protocol ${JSON.stringify(entry.bootProtocol)} for ${nic}.`);
      }
      parts.push(`aio.ip=${nic}:dhcp`);
      continue;
    }
    const { address, prefix } = entry;
    const v4 = typeof address === 'string' && isIPv4(address);
    // isIPv6 accepts zone ids (`fe80::1%eth0`); they are not addresses one assigns.
    const v6 = typeof address === 'string' && /^[0-9A-Fa-f:.]+$/.test(address) && isIPv6(address);
    if (!v4 && !v6) {
      throw invalid(`Invalid address ${JSON.stringify(address)} for guest NIC ${nic}.`);
    }
    if (!Number.isInteger(prefix) || prefix < 0 || prefix > (v4 ? 32 : 128)) {
      throw invalid(`Invalid prefix length ${String(prefix)} for ${address} on guest NIC ${nic}.`);
    }
    parts.push(`aio.ip=${nic}:${address}/${prefix}`);
  }
  return parts.join(' ');
}
