// SPDX-License-Identifier: Apache-2.0
/**
 * The bundled guest "debian-12": where `npm run setup` cached it (built by
 * build/guest/build-debian-guest.ts) and what the host agent reports of it.
 *
 * The image is a plain qcow2 disk like any downloaded cloud image: an MBR-partitioned disk whose
 * first partition (FAT, syslinux) holds the boot loader, kernel and initrd, and whose second is
 * the ext4 root file system (by UUID, so it boots on virtio, virtio-scsi or SATA alike). Debian
 * 12 with systemd, openssh-server, cloud-init (NoCloud and ConfigDrive only), ifupdown,
 * iproute2 and ping; serial console on ttyS0 with a getty, so it prints {@link DEBIAN_GUEST_LOGIN}
 * when ready. No password is set: users come from cloud-init (oVirt `initialization`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import type { BundledImage } from './host-agent';
import { aioCacheDir } from './tiny-guest';

/** Template name of the bundled Debian guest. */
export const DEBIAN_GUEST_NAME = 'debian-12';
/** What the serial console shows once the guest is ready for a login. */
export const DEBIAN_GUEST_LOGIN = 'login:';
/** Memory the guest is tested with under TCG. */
export const DEBIAN_GUEST_MEMORY_MIB = 512;

/** The manifest the builder writes after a successful build (`<cache>/debian-12.json`). */
export interface DebianGuestManifest {
  readonly name: typeof DEBIAN_GUEST_NAME;
  /** Content hash of the build inputs (builder, overlay files, package versions). */
  readonly hash: string;
  /** Absolute path of the qcow2 image. */
  readonly path: string;
  readonly format: 'qcow2';
  readonly virtualSize: number;
  /** Size of the image file in bytes. */
  readonly fileBytes: number;
  /** `uname -r` of the guest kernel. */
  readonly kernelVersion: string;
  /** Versions of the packages asked for by name (their dependencies follow). */
  readonly packages: Readonly<Record<string, string>>;
  /** ISO 8601 time of the build, and how long it took. */
  readonly builtAt: string;
  readonly buildSeconds: number;
}

/** Path of the current manifest in a cache directory. */
export function debianGuestManifestPath(cacheDir: string = aioCacheDir()): string {
  return join(cacheDir, `${DEBIAN_GUEST_NAME}.json`);
}

/** The manifest when the image is built and intact (file present with the recorded size), else null. */
export function readDebianGuest(cacheDir: string = aioCacheDir()): DebianGuestManifest | null {
  const path = debianGuestManifestPath(cacheDir);
  if (!existsSync(path)) return null;
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as DebianGuestManifest;
    if (manifest.name !== DEBIAN_GUEST_NAME || typeof manifest.path !== 'string') return null;
    if (!existsSync(manifest.path) || statSync(manifest.path).size !== manifest.fileBytes)
      return null;
    return manifest;
  } catch {
    return null;
  }
}

/** The bundled images for HostAgent.bundledImages(): debian-12 when built, else none. */
export function readBundledImages(cacheDir: string = aioCacheDir()): BundledImage[] {
  const m = readDebianGuest(cacheDir);
  if (m === null) return [];
  return [
    {
      name: m.name,
      description: `Debian 12 (bookworm), kernel ${m.kernelVersion}, cloud-init; built by npm run setup`,
      path: m.path,
      format: m.format,
      virtualSize: m.virtualSize,
      hash: m.hash,
    },
  ];
}
