// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { domainXml } from './domain-xml';
import {
  graphicsElement,
  parseVncDisplay,
  randomVncPassword,
  validToText,
  VNC_PASSWORD_LENGTH,
} from './graphics';

describe('VNC graphics device', () => {
  it('listens on loopback only, autoport, with a password that is already expired', () => {
    const xml = graphicsElement('pa"ss<&').toString().replaceAll('"', "'");
    expect(xml).toContain("type='vnc'");
    expect(xml).toContain("autoport='yes'");
    expect(xml).toContain("listen='127.0.0.1'");
    expect(xml).toContain("<listen type='address' address='127.0.0.1'/>");
    // The builder escapes the password; it cannot break out of its attribute.
    expect(xml).toContain("passwd='pa&quot;ss&lt;&amp;'");
    expect(xml).toContain("passwdValidTo='1970-01-01T00:00:01'");
    expect(xml).not.toContain('0.0.0.0');
  });

  it('carries a ticket expiry in libvirt format', () => {
    const when = new Date(Date.UTC(2026, 11, 3, 15, 4, 5, 678));
    expect(validToText(when)).toBe('2026-12-03T15:04:05');
    expect(graphicsElement('abc', when).toString().replaceAll('"', "'")).toContain(
      "passwdValidTo='2026-12-03T15:04:05'",
    );
  });

  it('is in every domain, with a fresh random password each time', () => {
    const desc = {
      uuid: randomUUID(),
      name: 'vm1',
      memoryMiB: 128,
      vcpus: 1,
      boot: { kind: 'tiny' as const, addresses: [] },
      interfaces: [],
      disks: [],
      serialLogPath: '/tmp/x.log',
    };
    const render = (): string =>
      domainXml(desc, {
        accelerator: 'tcg',
        tinyGuest: { kernelPath: '/k', initrdPath: '/i' },
      });
    const a = render().replaceAll('"', "'");
    const b = render().replaceAll('"', "'");
    expect(a.match(/<graphics /g)).toHaveLength(1);
    expect(a).toMatch(/<video>\s*<model type='vga'/);
    const pw = (x: string): string | undefined => /passwd='([^']*)'/.exec(x)?.[1];
    expect(pw(a)).toHaveLength(VNC_PASSWORD_LENGTH);
    expect(pw(a)).not.toBe(pw(b));
  });

  it('makes passwords of 8 characters that differ', () => {
    const seen = new Set(Array.from({ length: 50 }, randomVncPassword));
    expect(seen.size).toBe(50);
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{8}$/);
  });

  it('reads the port of a running domain back from its live XML', () => {
    const live = `<domain><devices>
      <graphics type='vnc' port='5901' autoport='yes' listen='127.0.0.1'>
        <listen type='address' address='127.0.0.1'/>
      </graphics></devices></domain>`;
    expect(parseVncDisplay(live)).toEqual({ address: '127.0.0.1', port: 5901 });
    // Defined but not running: port -1 means none yet.
    expect(parseVncDisplay(live.replace("'5901'", "'-1'"))).toBeNull();
    expect(parseVncDisplay('<domain><devices/></domain>')).toBeNull();
  });
});
