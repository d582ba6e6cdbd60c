// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16, must-shows 1–4, through the real appliance (headless engine, REST, WebSocket, web UI
 * in Chromium, libvirt/QEMU under TCG), two guest boots in all:
 *
 * 1. The "tiny" installer ISO (built by setup with grub-mkrescue) is uploaded through
 *    /imagetransfers as a disk with content type iso, inserted into a VM's CD-ROM and booted
 *    with boot order cdrom,hd: its GRUB menu is on the serial log and on the VM's screen in the
 *    Screen tab (noVNC canvas not blank; screenshot), and the guest reaches its ready line.
 * 2. The `.vv` file (remoteviewerconnectionfile) opens in Debian's remote-viewer under Xvfb:
 *    QEMU's VNC server has a client, and the X screen shows the VM's screen (mostly black VGA
 *    text console with lit text; screenshot).
 * 3. Without a valid ticket the WebSocket (none, unknown, spent) and the VNC port refuse.
 * 4. The ISO installed itself onto the VM's disk; the CD is ejected from the running VM
 *    (`?current=true`) and from its configuration, boot order becomes hd, and the VM boots the
 *    installed system from the disk. An ISO in use cannot be removed; a data disk is no CD.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { readTinyIso, type TinyIsoManifest } from '../../build/guest/build-tiny-iso';
import { run } from '../../libvirt/exec';
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { openVvFile, remoteViewerProblem } from '../support/remote-viewer';
import { ByteQueue, rfbLogin } from '../support/rfb-client';
import { pixelStats, toPng } from '../support/xwd';
import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { step } from './support/step';

const CDROM_ID = '00000000-0000-0000-0000-000000000000';
const MiB = 1024 * 1024;

/** Canvas pixels brighter than the background (run in the page; no DOM library here). */
const COUNT_LIT_PIXELS = `(() => {
  const canvas = document.querySelector('[data-testid="vm-screen"] canvas');
  if (!canvas || canvas.width === 0) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 96) n++;
  return n;
})()`;

function isoProblem(): string | null {
  try {
    readTinyIso(aioCacheDir());
    return null;
  } catch (e) {
    return `the tiny installer ISO is not built (npm run setup): ${(e as Error).message}`;
  }
}

const problem = webUiProblem() ?? isoProblem() ?? remoteViewerProblem();
if (problem) console.log(`[e2e] CD-ROM install tests skipped: ${problem}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const plainText = (s: string): string =>
  // eslint-disable-next-line no-control-regex
  s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

describe.skipIf(problem !== null)('issue 16: install an OS from an ISO (must-shows 1–4)', () => {
  let ui: WebUi;
  let iso: TinyIsoManifest;
  let scratch: string;

  beforeAll(async () => {
    iso = readTinyIso(aioCacheDir());
    scratch = await mkdtemp(join(tmpdir(), 'aio-cdrom-'));
    ui = await startWebUi();
  }, 240_000);
  afterAll(async () => {
    await ui?.close();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }, 180_000);

  /** Raw REST with the fault body, for the refusals. */
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const r = await fetch(`${ui.server.origin}/ovirt-engine/api${path}`, {
      method,
      headers: {
        Authorization: `Basic ${Buffer.from(`admin@internal:${ui.server.password}`).toString('base64')}`,
        Accept: 'application/json',
        'Content-Type': 'application/json',
        Version: '4',
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function waitFor<T>(what: string, ms: number, probe: () => Promise<T | null>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== null) return v;
      if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s`);
      await sleep(500);
    }
  }

  const status = async (path: string, key = 'status'): Promise<string> =>
    String((await ui.rest.get<Record<string, unknown>>(path))[key]);

  async function serialLog(vmId: string): Promise<string> {
    return plainText(
      await readFile(join(ui.server.dataDir, 'vms', vmId, 'serial.log'), 'latin1').catch(() => ''),
    );
  }

  const waitSerial = (vmId: string, text: string, ms: number): Promise<string> =>
    waitFor(`"${text}" on the serial log`, ms, async () => {
      const log = await serialLog(vmId);
      return log.includes(text) ? log : null;
    });

  /** Upload `file` through /imagetransfers into a new raw disk with content type iso. */
  async function uploadIso(file: string, name: string): Promise<string> {
    const data = await readFile(file);
    const disk = await ui.rest.post<{ id: string }>('/disks', {
      name,
      format: 'raw',
      content_type: 'iso',
      provisioned_size: data.length,
      storage_domains: { storage_domain: [{ name: 'local' }] },
    });
    await waitFor('ISO disk ok', 60_000, async () =>
      (await status(`/disks/${disk.id}`)) === 'ok' ? true : null,
    );
    const t = await ui.rest.post<{ id: string }>('/imagetransfers', {
      disk: { id: disk.id },
      direction: 'upload',
      format: 'raw',
    });
    const url = await waitFor('transfer ready', 60_000, async () => {
      const e = await ui.rest.get<Record<string, unknown>>(`/imagetransfers/${t.id}`);
      return e.phase === 'transferring' ? String(e.transfer_url) : null;
    });
    const chunk = 8 * MiB;
    for (let offset = 0; offset < data.length; offset += chunk) {
      const part = data.subarray(offset, offset + chunk);
      const r = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Range': `bytes ${offset}-${offset + part.length - 1}/*` },
        body: part,
      });
      expect(r.status, await r.text()).toBe(200);
    }
    const flush = await fetch(url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{"op":"flush"}',
    });
    expect(flush.status).toBe(200);
    await ui.rest.post(`/imagetransfers/${t.id}/finalize`, {});
    const phase = await waitFor('transfer finished', 120_000, async () => {
      const p = await status(`/imagetransfers/${t.id}`, 'phase');
      return p.startsWith('finished') ? p : null;
    });
    expect(phase).toBe('finished_success');
    return disk.id;
  }

  it(
    'uploads, inserts and boots the installer ISO, shows its menu, installs, boots from the disk',
    { timeout: 1_200_000 },
    async () => {
      const page = ui.browser.page;
      const p = ui.prefix;
      let isoId = '';
      let dataDiskId = '';
      let vmId = '';

      await step('upload the ISO as a disk with content type iso', async () => {
        isoId = await uploadIso(iso.isoPath, `${p}tiny-iso`);
        const d = await ui.rest.get<Record<string, unknown>>(`/disks/${isoId}`);
        expect(d.content_type).toBe('iso');
        expect(d.status).toBe('ok');
      });

      await step(
        'a VM with an empty disk, the ISO in its CD-ROM, boot order cdrom,hd',
        async () => {
          const vm = await ui.rest.post<{ id: string }>('/vms', {
            name: `${p}inst`,
            memory: 256 * MiB,
            cluster: { name: 'Default' },
            template: { name: 'Blank' },
          });
          vmId = vm.id;
          const att = await ui.rest.post<{ id: string }>(`/vms/${vmId}/diskattachments`, {
            interface: 'virtio',
            bootable: true,
            active: true,
            disk: {
              name: `${p}inst-disk`,
              format: 'raw',
              sparse: true,
              provisioned_size: 64 * MiB,
              storage_domains: { storage_domain: [{ name: 'local' }] },
            },
          });
          dataDiskId = att.id;
          await waitFor('VM disk ok', 60_000, async () =>
            (await status(`/disks/${dataDiskId}`)) === 'ok' ? true : null,
          );
          // A data disk is not a CD: refused with a clear fault, nothing changed.
          const bad = await call('PUT', `/vms/${vmId}/cdroms/${CDROM_ID}`, {
            file: { id: dataDiskId },
          });
          expect(bad.status).toBe(400);
          expect(String(bad.json.detail)).toMatch(/not an ISO image/);
          // The user inserts the ISO and sets the boot order in the VM's "CD-ROM & boot" tab.
          const id = (field: string): string => `#vm-${p}inst-${field}`;
          await page.goto(`${ui.server.origin}/#/vms/${vmId}/cdrom`);
          await page.locator(id('cdrom-iso')).selectOption(isoId);
          await page.locator(id('cdrom-insert')).click();
          await page
            .locator(id('cdrom-file'))
            .filter({ hasText: `${p}tiny-iso` })
            .waitFor();
          await page.locator(id('boot-order')).selectOption('cdrom,hd');
          await page.locator(id('boot-order-save')).click();
          await waitFor('boot order stored', 30_000, async () => {
            const v = await ui.rest.get<{ os: { boot: { devices: { device: string[] } } } }>(
              `/vms/${vmId}`,
            );
            return v.os.boot.devices.device.join(',') === 'cdrom,hd' ? true : null;
          });
          await page.screenshot({ path: join(ui.screenshots, 'vm-cdrom.png') });
          const cdroms = await ui.rest.get<{ cdrom: { id: string; file?: { id: string } }[] }>(
            `/vms/${vmId}/cdroms`,
          );
          expect(cdroms.cdrom).toEqual([
            expect.objectContaining({ id: CDROM_ID, file: { id: isoId } }),
          ]);
        },
      );

      // Open the VM page first: the menu shows for 20 s, the Screen tab must not be late.
      await page.goto(`${ui.server.origin}/#/vms`);

      await step('must-show 1: booted from the CD, the menu on the screen (noVNC)', async () => {
        await ui.rest.post(`/vms/${vmId}/start`, {});
        await waitFor('VM up', 180_000, async () =>
          (await status(`/vms/${vmId}`)) === 'up' ? true : null,
        );
        // The ISO is in use now: it cannot be removed.
        const del = await call('DELETE', `/disks/${isoId}`);
        expect(del.status).toBe(409);
        expect(String(del.json.detail)).toMatch(/ISO disk .* is in the CD-ROM of VM\(s\)/);

        const xml = (await run('virsh', ['-c', 'qemu:///system', 'dumpxml', vmId])).stdout;
        expect(xml).toMatch(/<disk type='file' device='cdrom'>[\s\S]*?<boot order='1'\/>/);
        await page.goto(`${ui.server.origin}/#/vms/${vmId}/screen`);
        await page
          .locator('[data-testid="vm-screen"][data-state="connected"]')
          .waitFor({ timeout: 120_000 });
        const log = await waitSerial(vmId, 'AIO Lab tiny: install onto the disk', 120_000);
        expect(log).toMatch(/GNU GRUB/);
        // GRUB has drawn its menu (the serial terminal gets it in the same pass); give noVNC a
        // moment for the last updates, then the canvas must hold a whole text screen.
        await sleep(3000);
        const lit = await waitFor('canvas not blank', 60_000, async () => {
          const n = await page.evaluate<number>(COUNT_LIT_PIXELS);
          return n > 3000 ? n : null;
        });
        expect(lit).toBeGreaterThan(3000);
        await page.screenshot({ path: join(ui.screenshots, 'screen-cdrom-menu.png') });
      });

      const vncClients = async (): Promise<number> => {
        const info = await run('virsh', [
          '-c',
          'qemu:///system',
          'qemu-monitor-command',
          vmId,
          '--hmp',
          'info vnc',
        ]);
        return (info.stdout.match(/Client:/g) ?? []).length;
      };

      await step('must-show 2: the .vv file in remote-viewer under Xvfb', async () => {
        const r = await ui.rest.post<{ remote_viewer_connection_file: string }>(
          `/vms/${vmId}/graphicsconsoles/766e63/remoteviewerconnectionfile`,
          {},
        );
        // Leave the Screen tab first, so the only VNC client below is remote-viewer.
        await page.goto(`${ui.server.origin}/#/vms`);
        await waitFor('noVNC disconnected', 30_000, async () =>
          (await vncClients()) === 0 ? true : null,
        );
        const rv = await openVvFile(scratch, r.remote_viewer_connection_file);
        try {
          // QEMU's VNC server has an authenticated client: remote-viewer logged in with the
          // .vv file's one-time password.
          await waitFor('a VNC client in QEMU', 60_000, async () =>
            (await vncClients()) > 0 ? true : null,
          );
          const shot = await waitFor('remote-viewer shows the screen', 60_000, async () => {
            const img = await rv.screenshot();
            const s = pixelStats(img);
            const total = img.width * img.height;
            // A VGA text screen: mostly black, with lit text (the viewer's own UI is light grey).
            return s.black > total * 0.4 && s.lit > 2000 ? img : null;
          }).catch((e: unknown) => {
            throw new Error(`${(e as Error).message}; remote-viewer: ${rv.output()}`);
          });
          expect(rv.running(), rv.output()).toBe(true);
          await writeFile(join(ui.screenshots, 'remote-viewer.png'), toPng(shot));
        } finally {
          await rv.close();
        }
      });

      await step('must-show 3: no valid ticket, no screen', async () => {
        const wsUrl = `${ui.server.origin.replace(/^http/, 'ws')}/ovirt-engine/services/graphics/`;
        const refused = (suffix: string): Promise<number> =>
          new Promise((resolve, reject) => {
            const ws = new WebSocket(`${wsUrl}${suffix}`, ['binary'], {
              headers: { Origin: ui.server.origin },
            });
            ws.once('open', () => {
              ws.terminate();
              resolve(101);
            });
            ws.once('unexpected-response', (_req, res) => {
              resolve(res.statusCode ?? 0);
              ws.terminate();
            });
            ws.once('error', reject);
          });
        expect(await refused('')).toBe(401);
        expect(await refused('AbCdEf12')).toBe(401);
        // A ticket works once: the first WebSocket gets through, the second is refused.
        const t = await ui.rest.post<{ ticket: { value: string } }>(
          `/vms/${vmId}/graphicsconsoles/766e63/ticket`,
          { ticket: { expiry: 60 } },
        );
        expect(await refused(t.ticket.value)).toBe(101);
        expect(await refused(t.ticket.value)).toBe(401);
        // The VNC port itself: loopback only, and a wrong password is refused by QEMU.
        const consoles = await ui.rest.get<{
          graphics_console: { address: string; port: number }[];
        }>(`/vms/${vmId}/graphicsconsoles?current=true`);
        const where = consoles.graphics_console[0];
        expect(where?.address).toBe('127.0.0.1');
        const { connect } = await import('node:net');
        const q = new ByteQueue();
        const socket = connect({ host: '127.0.0.1', port: Number(where?.port) });
        socket.on('data', (c: Buffer) => {
          q.push(c);
        });
        socket.on('close', () => {
          q.close();
        });
        socket.on('error', () => undefined);
        try {
          const r = await rfbLogin(q, (d) => socket.write(d), 'wrong-pw');
          expect(r.auth.ok).toBe(false);
        } finally {
          socket.destroy();
        }
      });

      await step(
        'must-show 4: installed; eject, boot order hd, boots the installed disk',
        async () => {
          const log = await waitSerial(vmId, 'AIO-READY', 300_000);
          expect(log).toMatch(/AIO-ISO boot=cd/);
          expect(log).toMatch(/AIO-INSTALLED from=\/dev\/sr\d to=\/dev\/vda/);
          // Eject from the running VM (oVirt ?current=true): the drive is empty at once.
          const ej = await call('PUT', `/vms/${vmId}/cdroms/${CDROM_ID}?current=true`, {
            file: { id: '' },
          });
          expect(ej.status, JSON.stringify(ej.json)).toBe(200);
          const live = await ui.rest.get<{ cdrom: { file?: unknown }[] }>(
            `/vms/${vmId}/cdroms?current=true`,
          );
          expect(live.cdrom[0]?.file).toBeUndefined();
          const blk = (
            await run('virsh', ['-c', 'qemu:///system', 'domblklist', vmId, '--details'])
          ).stdout;
          expect(blk).toMatch(/cdrom\s+\S+\s+-/);
          // The configuration still has it until it is ejected there too.
          const conf = await ui.rest.get<{ cdrom: { file?: { id: string } }[] }>(
            `/vms/${vmId}/cdroms`,
          );
          expect(conf.cdrom[0]?.file?.id).toBe(isoId);
          await ui.rest.post(`/vms/${vmId}/stop`, {});
          await waitFor('VM down', 120_000, async () =>
            (await status(`/vms/${vmId}`)) === 'down' ? true : null,
          );
          expect(
            (await call('PUT', `/vms/${vmId}/cdroms/${CDROM_ID}`, { file: { id: '' } })).status,
          ).toBe(200);
          const upd = await call('PUT', `/vms/${vmId}`, {
            os: { boot: { devices: { device: ['hd'] } } },
          });
          expect(upd.status, JSON.stringify(upd.json)).toBe(200);
          await ui.rest.post(`/vms/${vmId}/start`, {});
          const again = await waitSerial(vmId, 'AIO-READY', 300_000);
          expect(again).toMatch(/AIO Lab tiny: installed system \(from the disk\)/);
          expect(again).toMatch(/AIO-ISO boot=hd/);
          expect(again).not.toMatch(/AIO-ISO boot=cd/);
          const blk2 = (
            await run('virsh', ['-c', 'qemu:///system', 'domblklist', vmId, '--details'])
          ).stdout;
          expect(blk2).toMatch(/cdrom\s+\S+\s+-/);
          await ui.rest.post(`/vms/${vmId}/stop`, {});
          // Nothing uses the ISO any more: it can be removed.
          await waitFor('VM down', 120_000, async () =>
            (await status(`/vms/${vmId}`)) === 'down' ? true : null,
          );
          expect((await call('DELETE', `/disks/${isoId}`)).status).toBe(200);
        },
      );
    },
  );
});
