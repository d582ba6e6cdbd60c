// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { remoteViewerFile } from './vv-file';

describe('.vv file for remote-viewer', () => {
  it('has the [virt-viewer] section remote-viewer reads', () => {
    const text = remoteViewerFile({
      title: 'vm1',
      host: '127.0.0.1',
      port: 5900,
      password: 'Ab3_x-Yz',
      validSeconds: 120,
    });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('[virt-viewer]');
    expect(lines).toContain('type=vnc');
    expect(lines).toContain('host=127.0.0.1');
    expect(lines).toContain('port=5900');
    expect(lines).toContain('password=Ab3_x-Yz');
    expect(lines).toContain('delete-this-file=1');
    expect(lines).toContain('title=vm1:%d');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses a value that would start a new line (a hostile VM name)', () => {
    expect(() =>
      remoteViewerFile({
        title: 'vm\nhost=evil',
        host: '127.0.0.1',
        port: 5900,
        password: 'x',
        validSeconds: 1,
      }),
    ).toThrow(/line break/);
  });
});

describe('.vv file for a SPICE console', () => {
  it('says type=spice and offers no TLS port, smartcard or USB sharing', () => {
    const lines = remoteViewerFile({
      title: 'vm1',
      host: '127.0.0.1',
      port: 5901,
      password: 'Ab3_x-Yz0123456-',
      validSeconds: 120,
      type: 'spice',
    })
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('[virt-viewer]');
    expect(lines).toContain('type=spice');
    expect(lines).toContain('port=5901');
    expect(lines).toContain('password=Ab3_x-Yz0123456-');
    expect(lines).toContain('delete-this-file=1');
    expect(lines).toContain('enable-smartcard=0');
    expect(lines).toContain('enable-usb-autoshare=0');
    expect(lines.some((l) => l.startsWith('tls-port='))).toBe(false);
    expect(lines).not.toContain('type=vnc');
  });
});
