// SPDX-License-Identifier: Apache-2.0
/**
 * The VM's screen: a VNC graphics device that listens on loopback only, whose password is a
 * short-lived ticket the engine sets. At definition time the password is random and already
 * expired, so nobody can connect until the engine issues a ticket (oVirt's habit: the console
 * is closed until `POST .../graphicsconsoles/{id}/ticket`).
 *
 * The binding has no virDomainUpdateDeviceFlags, so a new ticket goes through
 * `virsh update-device --live` with the device XML in a private file (argument array, no
 * shell; the password never appears on a command line).
 *
 * @see https://libvirt.org/formatdomain.html#graphical-framebuffers
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import { createElement, type XmlElement } from './xml-builder';

/** Loopback only: the page reaches the screen through the engine's WebSocket, never directly. */
export const VNC_LISTEN_ADDRESS = '127.0.0.1';

/** VNC (RFB DES auth) uses at most 8 password characters; longer ones are silently cut. */
export const VNC_PASSWORD_LENGTH = 8;

/** An already-past expiry: the password set at definition time never lets anyone in. */
const EXPIRED = '1970-01-01T00:00:01';

/** A random VNC password (8 characters from a URL-safe alphabet). */
export function randomVncPassword(): string {
  return randomBytes(6).toString('base64url').slice(0, VNC_PASSWORD_LENGTH);
}

/** libvirt's `passwdValidTo` format (UTC, seconds). */
export function validToText(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/**
 * The `<graphics>` element: VNC, autoport, loopback listen, the given password (valid until
 * `validTo`, default: already expired).
 */
export function graphicsElement(password: string, validTo?: Date): XmlElement {
  return createElement(
    'graphics',
    {
      type: 'vnc',
      port: -1,
      autoport: 'yes',
      listen: VNC_LISTEN_ADDRESS,
      passwd: password,
      passwdValidTo: validTo === undefined ? EXPIRED : validToText(validTo),
    },
    createElement('listen', { type: 'address', address: VNC_LISTEN_ADDRESS }),
  );
}

/** SPICE tickets: QEMU accepts up to 60 characters (SPICE_MAX_PASSWORD_LENGTH). */
export const SPICE_PASSWORD_MAX = 60;

/** A random SPICE password (16 URL-safe characters; SPICE has no 8-character limit). */
export function randomSpicePassword(): string {
  return randomBytes(12).toString('base64url');
}

/**
 * The SPICE `<graphics>` element (oVirt's default protocol): autoport, loopback listen, no TLS
 * port (nothing leaves the host), the password expired until a ticket — as for VNC.
 */
export function spiceGraphicsElement(password: string, validTo?: Date): XmlElement {
  return createElement(
    'graphics',
    {
      type: 'spice',
      port: -1,
      autoport: 'yes',
      listen: VNC_LISTEN_ADDRESS,
      passwd: password,
      passwdValidTo: validTo === undefined ? EXPIRED : validToText(validTo),
    },
    createElement('listen', { type: 'address', address: VNC_LISTEN_ADDRESS }),
  );
}

export interface ScreenOptions {
  /** Add a SPICE display too (only when this QEMU has SPICE, see qemuHasSpice). */
  readonly spice?: boolean;
  readonly spicePassword?: string;
}

/**
 * The devices a screen needs: the VNC framebuffer (first: the Screen tab's noVNC uses it), a
 * SPICE display when asked, and a video card to draw on.
 */
export function screenDevices(
  password: string = randomVncPassword(),
  options: ScreenOptions = {},
): XmlElement[] {
  return [
    graphicsElement(password),
    ...(options.spice === true
      ? [spiceGraphicsElement(options.spicePassword ?? randomSpicePassword())]
      : []),
    createElement('video', {}, createElement('model', { type: 'vga', vram: 16384, heads: 1 })),
  ];
}

const spiceProbes = new Map<string, Promise<boolean>>();

/**
 * Whether this QEMU was built with SPICE (Debian's is; some builds are not). `-spice help`
 * lists SPICE's options when it is there (its exit status is 1 either way), and says the
 * option is unknown or disabled when it is not. Probed once per process.
 */
export function qemuHasSpice(qemuBinary = 'qemu-system-x86_64'): Promise<boolean> {
  let probe = spiceProbes.get(qemuBinary);
  if (probe === undefined) {
    probe = new Promise((resolve) => {
      execFile(qemuBinary, ['-spice', 'help'], { timeout: 10_000 }, (_error, stdout, stderr) => {
        const said = `${stdout}${stderr}`;
        resolve(/spice options:/i.test(said) && /\bport=/.test(said));
      });
    });
    spiceProbes.set(qemuBinary, probe);
  }
  return probe;
}

/** Where a running domain's VNC server listens, read from its live XML. */
export interface VncDisplay {
  readonly address: string;
  readonly port: number;
}

/** The VNC display in live domain XML, or null when the domain has none (or no port yet). */
export function parseVncDisplay(xml: string): VncDisplay | null {
  return parseDisplay(xml, 'vnc');
}

/** The SPICE display in live domain XML, or null when the domain has none (or no port yet). */
export function parseSpiceDisplay(xml: string): VncDisplay | null {
  return parseDisplay(xml, 'spice');
}

function parseDisplay(xml: string, type: 'vnc' | 'spice'): VncDisplay | null {
  const tag = new RegExp(`<graphics\\b[^>]*\\btype=['"]${type}['"][^>]*>`).exec(xml)?.[0];
  if (tag === undefined) return null;
  const port = Number(/\bport=['"](-?\d+)['"]/.exec(tag)?.[1] ?? NaN);
  const address = /\blisten=['"]([^'"]+)['"]/.exec(tag)?.[1] ?? VNC_LISTEN_ADDRESS;
  if (!Number.isInteger(port) || port <= 0) return null;
  return { address, port };
}

/**
 * Set a new VNC password on a running domain, valid until `validTo`. The old one stops working
 * at once. @throws HostError when the domain is not running or has no VNC device
 */
export async function setVncTicket(
  uri: string,
  uuid: string,
  password: string,
  validTo: Date,
): Promise<void> {
  if (password.length === 0 || password.length > VNC_PASSWORD_LENGTH) {
    throw new HostError(
      HostErrorCode.HYPERVISOR_ERROR,
      `a VNC password has 1 to ${VNC_PASSWORD_LENGTH} characters`,
    );
  }
  await updateGraphics(uri, uuid, graphicsElement(password, validTo));
}

/**
 * Set a new SPICE password on a running domain, valid until `validTo` (clients already
 * connected stay, as libvirt's default `connected='keep'`; new ones need the new password).
 * @throws HostError when the domain is not running or has no SPICE device
 */
export async function setSpiceTicket(
  uri: string,
  uuid: string,
  password: string,
  validTo: Date,
): Promise<void> {
  if (password.length === 0 || password.length > SPICE_PASSWORD_MAX) {
    throw new HostError(
      HostErrorCode.HYPERVISOR_ERROR,
      `a SPICE password has 1 to ${SPICE_PASSWORD_MAX} characters`,
    );
  }
  await updateGraphics(uri, uuid, spiceGraphicsElement(password, validTo));
}

async function updateGraphics(uri: string, uuid: string, device: XmlElement): Promise<void> {
  // virsh reads the device from a file (stdin here is a socket it cannot open): a private
  // directory, removed at once, keeps the password from other users.
  const dir = await mkdtemp(join(tmpdir(), 'aio-vnc-'));
  try {
    const file = join(dir, 'graphics.xml');
    await writeFile(file, device.toString(), { mode: 0o600 });
    await run('virsh', ['-c', uri, 'update-device', uuid, file, '--live']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
