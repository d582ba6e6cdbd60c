// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16, SPICE (oVirt's default console protocol) through the real appliance: one tiny VM
 * lists a VNC console first and a SPICE one (`7370696365`); the running VM's SPICE display is
 * on 127.0.0.1 and refuses every password until a ticket is set on that console; the ticket
 * (SPICE takes up to 60 characters, VNC 8) is the only password that links; it opens no
 * WebSocket (noVNC speaks VNC); the `.vv` file says `type=spice` and Debian's remote-viewer,
 * under Xvfb, logs in with it (QEMU's `info spice` shows its display channel).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { qemuHasSpice } from '../../libvirt/domain/graphics';
import { run } from '../../libvirt/exec';
import { openVvFile, remoteViewerProblem } from '../support/remote-viewer';
import { hostTestSkipReason } from '../support/run-prefix';
import { SPICE_LINK_OK, SPICE_LINK_PERMISSION_DENIED, spiceLink } from '../support/spice-link';
import { pixelStats, toPng } from '../support/xwd';
import { consoleVm } from './console-vm';
import { entity } from './support';

const hostSkip = hostTestSkipReason();
const spiceSkip = hostSkip ?? ((await qemuHasSpice()) ? null : 'this QEMU has no SPICE');
if (spiceSkip) console.log(`spice-rest.test.ts skipped: ${spiceSkip}`);
const viewerSkip = remoteViewerProblem();

const VNC_ID = '766e63';
const SPICE_ID = '7370696365';

async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const got = await probe();
    if (got !== null) return got;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(Boolean(spiceSkip))('SPICE console over REST and remote-viewer', () => {
  const vm = consoleVm('spice');
  const { req, consoles } = vm;
  let scratch = '';
  const infoSpice = async (): Promise<string> =>
    (
      await run('virsh', [
        '-c',
        'qemu:///system',
        'qemu-monitor-command',
        vm.vmId,
        '--hmp',
        'info spice',
      ])
    ).stdout;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'aio-spice-'));
  });

  afterAll(async () => {
    if (scratch !== '') await rm(scratch, { recursive: true, force: true });
  });

  it('lists VNC first and SPICE second; no SPICE ticket while the VM is down', async () => {
    const list = await consoles();
    expect(list.map((c) => [c.id, c.protocol])).toEqual([
      [VNC_ID, 'vnc'],
      [SPICE_ID, 'spice'],
    ]);
    expect(list[1]).not.toHaveProperty('port');
    const one = await req('GET', `/vms/${vm.vmId}/graphicsconsoles/${SPICE_ID}`);
    expect(one.status).toBe(200);
    expect(entity(one.body, 'graphics_console').protocol).toBe('spice');
    const t = await vm.ticket(SPICE_ID);
    expect(t.status).toBe(409);
    expect(t.text).toMatch(/not running/i);
  });

  it('listens on loopback, refuses until a ticket, then takes only that ticket', async () => {
    const start = await req('POST', `/vms/${vm.vmId}/start`, '<action/>');
    expect(start.status, start.text).toBe(200);

    const [vnc, spice] = await consoles();
    expect(spice?.protocol).toBe('spice');
    expect(spice?.address).toBe('127.0.0.1');
    const port = Number(spice?.port);
    expect(port).toBeGreaterThanOrEqual(5900);
    expect(port).not.toBe(Number(vnc?.port));
    // The live domain: SPICE bound to loopback, no TLS port, nothing on other addresses.
    const xml = (await run('virsh', ['-c', 'qemu:///system', 'dumpxml', vm.vmId])).stdout;
    const tag = /<graphics\b[^>]*type=['"]spice['"][^>]*>/.exec(xml)?.[0] ?? '';
    expect(tag).toMatch(/listen=['"]127\.0\.0\.1['"]/);
    expect(tag).not.toMatch(/tlsPort=['"][1-9]/);
    const ss = (await run('ss', ['-Htln', `sport = :${String(port)}`])).stdout;
    expect(ss).toContain(`127.0.0.1:${String(port)}`);
    expect(ss).not.toMatch(/(0\.0\.0\.0|\*|\[::\]):\d/);

    // The definition's password is expired: no password gets in before a ticket.
    expect(await spiceLink('127.0.0.1', port, '')).toBe(SPICE_LINK_PERMISSION_DENIED);
    expect(await spiceLink('127.0.0.1', port, 'guess-me')).toBe(SPICE_LINK_PERMISSION_DENIED);

    const tooLong = await vm.ticket(
      SPICE_ID,
      `<action><ticket><value>${'x'.repeat(61)}</value></ticket></action>`,
    );
    expect(tooLong.status).toBe(400);
    // Longer than VNC allows (8), fine for SPICE.
    const chosen = 'spice-ticket-0123456789';
    const t = await vm.ticket(
      SPICE_ID,
      `<action><ticket><value>${chosen}</value><expiry>60</expiry></ticket></action>`,
    );
    expect(t.status, t.text).toBe(200);
    expect(entity(t.body, 'action').ticket).toMatchObject({ value: chosen, expiry: '60' });
    expect(await spiceLink('127.0.0.1', port, 'wrong-password')).toBe(SPICE_LINK_PERMISSION_DENIED);
    expect(await spiceLink('127.0.0.1', port, chosen)).toBe(SPICE_LINK_OK);

    // A SPICE ticket is not a WebSocket (noVNC) ticket.
    const ws = new WebSocket(
      `${vm.a.origin.replace(/^http/, 'ws')}/ovirt-engine/services/graphics/${chosen}`,
      ['binary'],
    );
    const status = await new Promise<number>((resolve, reject) => {
      ws.once('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.once('unexpected-response', (_r, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', reject);
    });
    expect(status).toBe(401);

    // A generated SPICE ticket replaces the chosen one.
    const gen = await vm.ticket(SPICE_ID);
    const value = (entity(gen.body, 'action').ticket as { value: string }).value;
    expect(value).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await spiceLink('127.0.0.1', port, chosen)).toBe(SPICE_LINK_PERMISSION_DENIED);
    expect(await spiceLink('127.0.0.1', port, value)).toBe(SPICE_LINK_OK);
  });

  it.skipIf(Boolean(viewerSkip))('opens the .vv file in remote-viewer under Xvfb', async () => {
    const [, spice] = await consoles();
    const vv = await vm.vvFile(SPICE_ID);
    expect(vv.status, vv.text).toBe(200);
    const text = String(entity(vv.body, 'action').remote_viewer_connection_file);
    expect(text).toContain('type=spice');
    expect(text).toContain('host=127.0.0.1');
    expect(text).toContain(`port=${String(spice?.port)}`);
    expect(text).not.toContain('tls-port');
    // Nobody is on the display before remote-viewer.
    await waitFor('no SPICE client', 20_000, async () =>
      /channel name:/i.test(await infoSpice()) ? null : true,
    );
    const rv = await openVvFile(scratch, text);
    try {
      // QEMU lists channels only after a client linked with the .vv file's password; the
      // display channel is remote-viewer's, opened after the main one.
      const info = await waitFor('remote-viewer linked to SPICE', 60_000, async () => {
        const s = await infoSpice();
        return /channel name:\s*display/i.test(s) ? s : null;
      }).catch((e: unknown) => {
        throw new Error(`${(e as Error).message}; remote-viewer: ${rv.output()}`);
      });
      expect(info).toMatch(/channel name:\s*main/i);
      const shot = await waitFor('remote-viewer shows the screen', 60_000, async () => {
        const img = await rv.screenshot();
        const s = pixelStats(img);
        const total = img.width * img.height;
        // The guest's VGA text screen: mostly black with lit text.
        return s.black > total * 0.4 && s.lit > 2000 ? img : null;
      });
      expect(rv.running(), rv.output()).toBe(true);
      const dir = join('test-results', 'screenshots');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'remote-viewer-spice.png'), toPng(shot));
    } finally {
      await rv.close();
    }
  });
});
