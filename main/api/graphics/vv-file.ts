// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt's `remoteviewerconnectionfile` for a VNC or SPICE console: the `.vv` text Debian's
 * `remote-viewer` opens (keys as ENG's ConsoleDescriptorGenerator writes them).
 */

/** What `remote-viewer` needs to open the screen: oVirt's `.vv` (virt-viewer) file. */
export interface RemoteViewerFile {
  readonly title: string;
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** Seconds the password stays valid (remote-viewer shows no timer; informational). */
  readonly validSeconds: number;
  /** The console's protocol (default vnc). */
  readonly type?: 'vnc' | 'spice';
}

/** One `key=value` line; values must not break out of their line. */
function line(key: string, value: string | number): string {
  const text = String(value);
  if (/[\r\n]/.test(text)) throw new Error(`.vv value for ${key} has a line break`);
  return `${key}=${text}`;
}

/**
 * The `.vv` file text, shaped like oVirt's `remoteviewerconnectionfile` for VNC: a
 * `[virt-viewer]` section with type, host, port, password and delete-this-file (the file
 * holds a password, so the viewer removes it after reading).
 */
export function remoteViewerFile(file: RemoteViewerFile): string {
  const type = file.type ?? 'vnc';
  // SPICE's own keys (ConsoleDescriptorGenerator): no smartcard or USB sharing offered; no
  // tls-port, host-subject or ca: the display is plain on loopback, it never leaves the host.
  const spice =
    type === 'spice'
      ? [
          line('enable-smartcard', 0),
          line('enable-usb-autoshare', 0),
          line('usb-filter', '-1,-1,-1,-1,0'),
        ]
      : [];
  return `${[
    '[virt-viewer]',
    line('type', type),
    line('host', file.host),
    line('port', file.port),
    line('password', file.password),
    `# Password is valid for ${Math.floor(file.validSeconds)} seconds.`,
    line('delete-this-file', 1),
    line('fullscreen', 0),
    line('title', `${file.title}:%d`),
    line('toggle-fullscreen', 'shift+f11'),
    line('release-cursor', 'shift+f12'),
    line('secure-attention', 'ctrl+alt+end'),
    ...spice,
  ].join('\n')}\n`;
}
