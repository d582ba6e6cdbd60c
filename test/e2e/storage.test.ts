// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 11, must-show 4, through the web UI against a real headless engine (real qemu-img,
 * the real imageio data plane — nothing mocked):
 *  - a qcow2 image made here (`qemu-img create` + a pattern written with `qemu-io`) is
 *    uploaded from the browser's file picker; the progress bar is seen between 0 and 100 %
 *    and finishes; REST shows the disk `ok` with the image's virtual size, and out of band
 *    `qemu-img compare` finds the stored volume identical to the file;
 *  - a truncated copy of it is refused with the engine's reason in the dialog, and no `ok`
 *    disk of that name exists;
 *  - a VM made from Blank boots that disk (REST: a bootable attachment of that disk), and gets
 *    a new 1 GiB data disk from its Disks tab;
 *  - a snapshot is taken (REST: `Active VM` + the snapshot); then the disk is written out of
 *    band (what a guest would do), and restoring the snapshot brings the old bytes back
 *    (`qemu-io` reads the pattern again through the active volume).
 * No guest boots here (kept fast); the boot from disk is must-show 1, tested elsewhere.
 * Screenshots storage.png (at the end: a domain, the disks attached) and snapshots.png go to docs/screenshots/ with AIO_UPDATE_SCREENSHOTS=1.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { unnamedControls } from './support/a11y';
import { list } from './support/rest';
import { step } from './support/step';

function toolProblem(): string | null {
  for (const tool of ['qemu-img', 'qemu-io']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (apt-get install qemu-utils)`;
    }
  }
  return null;
}

const problem = webUiProblem() ?? toolProblem();
if (problem) console.log(`[e2e] storage UI tests skipped: ${problem}`);

const MiB = 1024 * 1024;
const VIRTUAL = 64 * MiB;
/** 20 MiB of data: three 8 MiB requests, so the bar has values between 0 and 100. */
const WRITTEN = 20 * MiB;

interface RestDisk {
  id: string;
  name: string;
  status?: string;
  format?: string;
  provisioned_size?: string | number;
  image_id?: string;
  storage_domains?: { storage_domain?: { id: string }[] };
}
interface RestDomain {
  id: string;
  name: string;
  storage?: { path?: string };
}
interface RestSnapshot {
  id: string;
  description: string;
  snapshot_type?: string;
  snapshot_status?: string;
}
interface RestAttachment {
  id: string;
  bootable?: string | boolean;
  disk?: { id: string };
}

/** Files under `dir` (recursively) whose name starts with `id`. */
function filesNamed(dir: string, id: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.startsWith(id) && !e.name.endsWith('.meta') && !e.name.endsWith('.lease')) {
        out.push(p);
      }
    }
  };
  walk(dir);
  return out;
}

/** `qemu-io` read of 1 MiB at 0, checked against a byte pattern: true when it matches. */
function readsPattern(volume: string, pattern: number): boolean {
  try {
    execFileSync(
      'qemu-io',
      ['-r', '-f', 'qcow2', '-c', `read -P 0x${pattern.toString(16)} 0 1M`, volume],
      { stdio: 'pipe' },
    );
    return true;
  } catch (e) {
    // qemu-io exits 1 on a mismatch and says so; anything else is a real failure.
    const out = String((e as { stdout?: Buffer }).stdout ?? '');
    if (/Pattern verification failed/.test(out)) return false;
    throw e;
  }
}

describe.skipIf(problem !== null)('web UI: storage (upload, VM from disk, snapshot)', () => {
  let ui: WebUi;
  let work: string;
  let image: string;
  let truncated: string;
  const disk = (): string => `${ui.prefix}img`;
  const vmName = (): string => `${ui.prefix}vm`;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'aio-e2e-storage-'));
    image = join(work, 'lab.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, String(VIRTUAL)]);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', `write -P 0xab 0 ${WRITTEN}`, image]);
    // The same image cut after 1 MiB: its header still promises 20 MiB of data.
    truncated = join(work, 'cut.qcow2');
    const fd = openSync(truncated, 'w');
    writeSync(fd, readFileSync(image).subarray(0, MiB));
    closeSync(fd);
    ui = await startWebUi();
  }, 240_000);

  // A step that failed may leave a dialog open: each test starts from a fresh page (the
  // session survives a reload).
  beforeEach(async () => {
    await ui.browser.page.reload();
  });

  afterAll(async () => {
    await ui?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  }, 180_000);

  const restDisk = async (name: string): Promise<RestDisk | undefined> =>
    list<RestDisk>(await ui.rest.get('/disks'), 'disk').find((d) => d.name === name);

  /** The file of a disk's active volume, found out of band in its domain's directory. */
  const activeVolume = async (name: string): Promise<string> => {
    const d = await restDisk(name);
    expect(d?.image_id).toBeTruthy();
    const domains = list<RestDomain>(await ui.rest.get('/storagedomains'), 'storage_domain');
    const files = domains.flatMap((sd) =>
      sd.storage?.path ? filesNamed(sd.storage.path, d?.image_id ?? '-') : [],
    );
    expect(files, `volume ${d?.image_id ?? ''} in the storage domains`).toHaveLength(1);
    return files[0] ?? '';
  };

  it('uploads a qcow2 image with a moving progress bar; the disk is ok and identical', async () => {
    const storage = await ui.shell.storage();
    await step('the local storage domain shows with its space', async () => {
      await storage.domains.getByRole('row').filter({ hasText: 'local' }).waitFor();
      await storage.domains.getByRole('progressbar', { name: 'Space used on local' }).waitFor();
    });
    const dialog = await storage.openUpload();
    await dialog.choose(image, disk());
    await step('the header read in the browser gives qcow2 and 64 MiB', async () => {
      expect(await dialog.detectedFormat.innerText()).toBe('qcow2 (version 3)');
      expect(await dialog.virtualSize.innerText()).toBe('64 MiB');
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    await dialog.watchProgress();
    await dialog.upload();
    await step('the upload finishes and the bar went through intermediate values', async () => {
      expect(await dialog.outcome()).toBe('done');
      const seen = await dialog.progressSeen();
      expect(
        seen.some((v) => v > 0 && v < 100),
        `bar values ${seen.join(',')}`,
      ).toBe(true);
      expect(seen.at(-1)).toBe(100);
      // Bytes sent of the file's size (20 MiB of data plus qcow2 metadata), and a rate.
      expect(await dialog.dialog.innerText()).toMatch(/(20\.\d MiB) of \1 · [\d.]+ [KMG]?i?B\/s/);
    });
    await dialog.close();
    await step('the disk row shows Ok, 64 MiB, qcow2 — no refresh needed', async () => {
      await storage.diskRow(disk()).waitFor();
      await expect.poll(() => storage.diskStatus(disk()), { timeout: 30_000 }).toBe('Ok');
      const row = await storage.diskRow(disk()).innerText();
      expect(row).toContain('64 MiB');
      expect(row).toContain('qcow2');
    });
    await step('REST: the disk is ok, cow, 64 MiB', async () => {
      const d = await restDisk(disk());
      expect(d?.status).toBe('ok');
      expect(d?.format).toBe('cow');
      expect(Number(d?.provisioned_size)).toBe(VIRTUAL);
    });
    await step('out of band: qemu-img compare finds the volume identical to the file', async () => {
      const volume = await activeVolume(disk());
      execFileSync('qemu-img', ['compare', '-q', image, volume]);
      expect(statSync(volume).size).toBeGreaterThan(0);
    });
  });

  it("refuses a truncated image with the engine's reason and keeps no ok disk", async () => {
    const bad = `${ui.prefix}cut`;
    const storage = await ui.shell.storage();
    const dialog = await storage.openUpload();
    await dialog.choose(truncated, bad);
    await dialog.watchProgress();
    await dialog.upload();
    await step('the dialog says the engine refused the image, and why', async () => {
      const text = await dialog.outcome();
      // Refused by the check after every byte went through, not before the transfer began.
      expect((await dialog.progressSeen()).at(-1)).toBe(100);
      expect(text).toContain('The engine refused the image');
      // More than the title: the engine's own detail is shown.
      expect(text.replace('The engine refused the image', '').trim().length).toBeGreaterThan(10);
    });
    await dialog.close();
    await step('REST: no ok disk of that name', async () => {
      await expect
        .poll(async () => (await restDisk(bad))?.status ?? 'gone', { timeout: 30_000 })
        .not.toBe('ok');
    });
  });

  it('creates a VM booting the uploaded disk, snapshots it and restores the snapshot', async () => {
    const vms = await ui.shell.vms();
    await vms.createFromDisk(vmName(), disk());
    const vmId = await step('REST: the VM has the disk as its bootable disk', async () => {
      const vm = list<{ id: string; name: string }>(await ui.rest.get('/vms'), 'vm').find(
        (v) => v.name === vmName(),
      );
      expect(vm).toBeDefined();
      const d = await restDisk(disk());
      const atts = list<RestAttachment>(
        await ui.rest.get(`/vms/${vm?.id ?? ''}/diskattachments`),
        'disk_attachment',
      );
      expect(atts.map((a) => ({ id: a.disk?.id ?? a.id, bootable: String(a.bootable) }))).toEqual([
        { id: d?.id, bootable: 'true' },
      ]);
      return vm?.id ?? '';
    });
    const disksTab = await vms.disks(vmName());
    await step('the Disks tab shows it bootable', async () => {
      await expect.poll(() => disksTab.bootable(disk()).isChecked()).toBe(true);
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    const data = `${ui.prefix}data`;
    await disksTab.newDisk(data, '1');
    await step('REST: the new 1 GiB disk is attached, not bootable, and ok', async () => {
      await expect
        .poll(async () => (await restDisk(data))?.status, { timeout: 60_000, interval: 500 })
        .toBe('ok');
      expect(Number((await restDisk(data))?.provisioned_size)).toBe(1024 * MiB);
      const atts = list<RestAttachment>(
        await ui.rest.get(`/vms/${vmId}/diskattachments`),
        'disk_attachment',
      );
      expect(atts).toHaveLength(2);
      expect(await disksTab.bootable(data).isChecked()).toBe(false);
    });
    await ui.shell.vms();
    const snaps = await vms.snapshots(vmName());
    await step('only Active VM before any snapshot', async () => {
      await snaps.row('Active VM').waitFor();
    });
    await snaps.create('before changes');
    await step('the snapshot becomes Ok (live, from events)', async () => {
      await expect
        .poll(() => snaps.status('before changes'), { timeout: 60_000, interval: 500 })
        .toBe('Ok');
    });
    const snapshotId = await step('REST: Active VM and the snapshot, ok', async () => {
      const list1 = list<RestSnapshot>(await ui.rest.get(`/vms/${vmId}/snapshots`), 'snapshot');
      expect(list1.map((s) => [s.description, s.snapshot_type, s.snapshot_status])).toEqual([
        ['Active VM', 'active', 'ok'],
        ['before changes', 'regular', 'ok'],
      ]);
      return list1[1]?.id ?? '';
    });
    await step('screenshot of the Snapshots tab', async () => {
      const restore = ui.browser.page.getByRole('button', { name: 'Restore before changes' });
      await expect.poll(() => restore.isEnabled()).toBe(true);
      await ui.browser.page.waitForTimeout(400); // PatternFly's colour transition
      await ui.browser.page.screenshot({ path: join(ui.screenshots, 'snapshots.png') });
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    await step('out of band: "the guest" overwrites the start of the disk', async () => {
      const volume = await activeVolume(disk());
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xcd 0 1M', volume]);
      expect(readsPattern(volume, 0xcd)).toBe(true);
      expect(readsPattern(volume, 0xab)).toBe(false);
    });
    await snaps.restore('before changes');
    await step('the disk is Ok again after the restore', async () => {
      await expect
        .poll(async () => (await restDisk(disk()))?.status, { timeout: 60_000, interval: 500 })
        .toBe('ok');
      await expect
        .poll(() => snaps.status('before changes'), { timeout: 60_000, interval: 500 })
        .toBe('Ok');
    });
    await step('out of band: the old bytes are back through the active volume', async () => {
      const volume = await activeVolume(disk());
      expect(readsPattern(volume, 0xab)).toBe(true);
    });
    await step('REST: the snapshot is still there after the restore', async () => {
      const after = list<RestSnapshot>(await ui.rest.get(`/vms/${vmId}/snapshots`), 'snapshot');
      expect(after.map((s) => s.id)).toContain(snapshotId);
    });
    const storage = await ui.shell.storage();
    await step('the storage page shows both disks attached to the VM; screenshot', async () => {
      for (const name of [disk(), data]) {
        await expect.poll(() => storage.diskRow(name).innerText()).toContain(vmName());
      }
      await ui.browser.page.waitForTimeout(400);
      await ui.browser.page.screenshot({ path: join(ui.screenshots, 'storage.png') });
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
  });
});
