// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { domainXml } from './domain-xml';
import {
  graphicsElement,
  parseSpiceDisplay,
  parseVncDisplay,
  qemuHasSpice,
  randomVncPassword,
  spiceGraphicsElement,
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

describe('SPICE graphics device', () => {
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
  const render = (spice: boolean): string =>
    domainXml(desc, {
      accelerator: 'tcg',
      tinyGuest: { kernelPath: '/k', initrdPath: '/i' },
      spice,
    }).replaceAll('"', "'");

  it('follows the VNC display, on loopback, with its own password already expired', () => {
    const xml = render(true);
    const tags = [...xml.matchAll(/<graphics [^>]*>/g)].map((m) => m[0]);
    expect(tags).toHaveLength(2);
    // VNC stays first: the Screen tab (noVNC) and older clients take the first console.
    expect(tags[0]).toContain("type='vnc'");
    const spice = tags[1] ?? '';
    expect(spice).toContain("type='spice'");
    expect(spice).toContain("autoport='yes'");
    expect(spice).toContain("listen='127.0.0.1'");
    expect(spice).toContain("passwdValidTo='1970-01-01T00:00:01'");
    expect(spice).not.toContain('tlsPort');
    expect(xml).toMatch(/type='spice'[^>]*>\s*<listen type='address' address='127.0.0.1'\/>/);
    expect(xml).not.toContain('0.0.0.0');
    const pw = (tag: string | undefined): string | undefined =>
      /passwd='([^']*)'/.exec(tag ?? '')?.[1];
    expect(pw(spice)).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(pw(spice)).not.toBe(pw(tags[0]));
    expect(xml.match(/<video>/g)).toHaveLength(1);
  });

  it('is left out when this QEMU has no SPICE', () => {
    expect(render(false)).not.toContain("type='spice'");
  });

  it('escapes the password and carries a ticket expiry', () => {
    const when = new Date(Date.UTC(2026, 11, 3, 15, 4, 5));
    const xml = spiceGraphicsElement("a'b<&", when).toString().replaceAll('"', "'");
    expect(xml).toContain("passwd='a&apos;b&lt;&amp;'");
    expect(xml).toContain("passwdValidTo='2026-12-03T15:04:05'");
  });

  it('reads the SPICE port back from live XML, apart from the VNC one', () => {
    const live = `<domain><devices>
      <graphics type='vnc' port='5900' autoport='yes' listen='127.0.0.1'/>
      <graphics type='spice' port='5901' autoport='yes' listen='127.0.0.1'>
        <listen type='address' address='127.0.0.1'/>
      </graphics></devices></domain>`;
    expect(parseSpiceDisplay(live)).toEqual({ address: '127.0.0.1', port: 5901 });
    expect(parseVncDisplay(live)).toEqual({ address: '127.0.0.1', port: 5900 });
    expect(parseSpiceDisplay(live.replace("'5901'", "'-1'"))).toBeNull();
    expect(parseSpiceDisplay('<domain><devices/></domain>')).toBeNull();
  });

  it("is probed from QEMU: no binary, no SPICE; Debian's QEMU has it", async () => {
    expect(await qemuHasSpice('/nonexistent/qemu-system-x86_64')).toBe(false);
    if (!existsSync('/usr/bin/qemu-system-x86_64')) {
      console.log('graphics.test.ts: no /usr/bin/qemu-system-x86_64, SPICE probe not checked');
      return;
    }
    expect(await qemuHasSpice('/usr/bin/qemu-system-x86_64')).toBe(true);
  });
});
