// SPDX-License-Identifier: Apache-2.0
/**
 * Storage commands in the kill table (issue 10 leftover, issue 11 "a crash mid-copy is
 * recovered at the next start"): add a disk, a VM from a template (thin or a full copy),
 * finalize an upload, create and restore a snapshot, remove a disk — each killed with SIGKILL
 * at a random moment, when its intent row appears, or when a `.partial` file appears in the
 * storage domain (a copy under way). After the restart the checks below must hold:
 *  - nothing stays `locked` (disks, templates, snapshots) or `image_locked` (VMs);
 *  - a disk is `ok` only when every volume of it is on disk and `qemu-img check` passes, and an
 *    uploaded disk that is `ok` after a successful transfer holds exactly the uploaded image
 *    (`qemu-img compare`); otherwise it is `illegal` or gone — never silently `ok`;
 *  - no file in a storage domain that no volume row names (orphans), no `.partial` file.
 * The database is read through a read-only SQLite connection; files through the file system.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';

import { run } from '../../libvirt/exec';
import { entity, items, type Reply } from '../functional/support';
import type { Api, KillCommand, World } from './kill';

const MiB = 1024 * 1024;
/** The uploaded image's data: large enough that copies of it take a moment to kill into. */
const IMAGE_DATA_MIB = 48;
const IMAGE_VIRTUAL_MIB = 64;

type Must = (api: Api, method: string, path: string, body?: string) => Promise<Reply>;

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

/** Polls `path` until `done` holds. */
async function pollEntity(
  api: Api,
  path: string,
  root: string,
  done: (e: Record<string, unknown>) => boolean,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api.call('GET', path);
    if (r.status === 200) {
      const e = entity(r.body, root);
      if (done(e)) return e;
    }
    if (Date.now() > deadline) throw new Error(`timed out on ${path}: ${r.text.slice(0, 300)}`);
    await sleep(100);
  }
}

/** The storage facts a round works with (set up once per kill run). */
interface StorageWorld {
  sdId: string;
  sdPath: string;
  /** A qcow2 image with data, kept outside the domain, and its upload target size. */
  image: string;
  templateId: string;
  /** A thin VM from the template that the snapshot rounds work on. */
  snapVmId: string;
}

const worlds = new WeakMap<World, StorageWorld>();

/** PUTs `image` to the transfer's imageio URL and flushes (as upload_disk.py does). */
async function putImage(url: string, image: string): Promise<void> {
  const data = await readFile(image);
  const chunk = 8 * MiB;
  for (let offset = 0; offset < data.length; offset += chunk) {
    const part = data.subarray(offset, offset + chunk);
    const r = await fetch(`${url}?flush=n`, {
      method: 'PUT',
      headers: {
        'Content-Range': `bytes ${offset}-${offset + part.length - 1}/*`,
        'Content-Length': String(part.length),
      },
      body: part,
    });
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`PUT → ${r.status}`);
  }
  const f = await fetch(url, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: '{"op":"flush"}',
  });
  await f.arrayBuffer();
  if (f.status !== 200) throw new Error(`flush → ${f.status}`);
}

/** A new empty qcow2 disk of the image's size, `ok`. */
async function addDisk(must: Must, api: Api, s: StorageWorld, name: string): Promise<string> {
  const r = await must(
    api,
    'POST',
    '/disks',
    `<disk><name>${name}</name><format>cow</format><sparse>true</sparse>` +
      `<provisioned_size>${IMAGE_VIRTUAL_MIB * MiB}</provisioned_size>` +
      `<storage_domains><storage_domain id="${s.sdId}"/></storage_domains></disk>`,
  );
  const id = String(entity(r.body, 'disk').id);
  await pollEntity(api, `/disks/${id}`, 'disk', (d) => d.status === 'ok');
  return id;
}

/** An upload transfer of `image` into disk `diskId`, every byte sent and flushed. */
async function uploadAllButFinalize(
  must: Must,
  api: Api,
  diskId: string,
  image: string,
): Promise<string> {
  const r = await must(
    api,
    'POST',
    '/imagetransfers',
    `<image_transfer><disk id="${diskId}"/><direction>upload</direction><format>cow</format></image_transfer>`,
  );
  const id = String(entity(r.body, 'image_transfer').id);
  const t = await pollEntity(api, `/imagetransfers/${id}`, 'image_transfer', (e) => {
    if (/^(finished|cancelled)/.test(String(e.phase)))
      throw new Error(`transfer ${String(e.phase)}`);
    return e.phase === 'transferring';
  });
  await putImage(String(t.transfer_url), image);
  return id;
}

/**
 * Once per run: the storage domain, a qcow2 image with random data, a template made from a VM
 * whose disk was uploaded (so copies from it carry real data), and a thin VM for snapshots.
 */
async function ensureStorage(
  must: Must,
  api: Api,
  w: World,
  scratch: string,
): Promise<StorageWorld> {
  const known = worlds.get(w);
  if (known) return known;
  const domains = items(
    (await must(api, 'GET', '/storagedomains')).body,
    'storage_domains',
    'storage_domain',
  );
  const sd = domains.find((d) => d.name === 'local') ?? domains[0];
  if (!sd) throw new Error('no storage domain');
  const sdId = String(sd.id);
  const sdPath = String((sd.storage as { path?: string } | undefined)?.path);
  const raw = join(scratch, 'image.raw');
  writeFileSync(
    raw,
    Buffer.concat([
      randomBytes(IMAGE_DATA_MIB * MiB),
      Buffer.alloc((IMAGE_VIRTUAL_MIB - IMAGE_DATA_MIB) * MiB),
    ]),
  );
  const image = join(scratch, 'image.qcow2');
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, image]);
  const partial: StorageWorld = { sdId, sdPath, image, templateId: '', snapVmId: '' };

  const diskId = await addDisk(must, api, partial, `${w.prefix}base`);
  const transfer = await uploadAllButFinalize(must, api, diskId, image);
  await must(api, 'POST', `/imagetransfers/${transfer}/finalize`, '<action/>');
  await pollEntity(
    api,
    `/disks/${diskId}`,
    'disk',
    (d) => d.status === 'ok' && d.image_id !== undefined,
    120_000,
  );
  const vm = await must(
    api,
    'POST',
    '/vms',
    `<vm><name>${w.prefix}src</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`,
  );
  const srcVm = String(entity(vm.body, 'vm').id);
  await must(
    api,
    'POST',
    `/vms/${srcVm}/diskattachments`,
    `<disk_attachment><disk id="${diskId}"/><interface>virtio</interface><bootable>true</bootable><active>true</active></disk_attachment>`,
  );
  const t = await must(
    api,
    'POST',
    '/templates',
    `<template><name>${w.prefix}tpl</name><vm id="${srcVm}"/></template>`,
  );
  const templateId = String(entity(t.body, 'template').id);
  await pollEntity(api, `/templates/${templateId}`, 'template', (x) => x.status === 'ok', 120_000);
  const s: StorageWorld = { ...partial, templateId };
  s.snapVmId = await vmFromTemplate(must, api, s, `${w.prefix}snap`, false);
  worlds.set(w, s);
  return s;
}

async function vmFromTemplate(
  must: Must,
  api: Api,
  s: StorageWorld,
  name: string,
  clone: boolean,
): Promise<string> {
  const r = await must(
    api,
    'POST',
    `/vms${clone ? '?clone=true' : ''}`,
    `<vm><name>${name}</name><cluster><name>Default</name></cluster><template id="${s.templateId}"/></vm>`,
  );
  const id = String(entity(r.body, 'vm').id);
  await pollEntity(api, `/vms/${id}`, 'vm', (v) => v.status !== 'image_locked', 120_000);
  return id;
}

let counter = 0;
const fresh = (w: World, tag: string): string => `${w.prefix}${tag}${(counter++).toString(36)}`;

/**
 * The storage entries of the kill table. `must` and `scratch` come from kill.ts (its REST
 * helper and the run's scratch directory).
 */
export function storageKillCommands(must: Must, scratch: () => string): KillCommand[] {
  const setupStorage = (api: Api, w: World): Promise<StorageWorld> =>
    ensureStorage(must, api, w, scratch());
  return [
    {
      name: 'disk-add',
      points: ['intent', 'partial'],
      async setup(api, w) {
        await setupStorage(api, w);
        w.vars.newName = fresh(w, 'd');
      },
      run: async (api, w) => {
        const s = await setupStorage(api, w);
        const raw = Math.random() < 0.5;
        return api.call(
          'POST',
          '/disks',
          `<disk><name>${w.vars.newName}</name><format>${raw ? 'raw' : 'cow'}</format>` +
            `<sparse>${raw ? 'false' : 'true'}</sparse><provisioned_size>${IMAGE_VIRTUAL_MIB * MiB}</provisioned_size>` +
            `<storage_domains><storage_domain id="${s.sdId}"/></storage_domains></disk>`,
        );
      },
    },
    {
      name: 'vm-from-template',
      points: ['intent', 'partial'],
      async setup(api, w) {
        await setupStorage(api, w);
        w.vars.newName = fresh(w, 't');
      },
      run: async (api, w) => {
        const s = await setupStorage(api, w);
        // A full copy (clone) half the time, else thin overlays.
        const clone = Math.random() < 0.6;
        return api.call(
          'POST',
          `/vms${clone ? '?clone=true' : ''}`,
          `<vm><name>${w.vars.newName}</name><cluster><name>Default</name></cluster><template id="${s.templateId}"/></vm>`,
        );
      },
    },
    {
      name: 'upload-finalize',
      points: ['partial'],
      async setup(api, w) {
        const s = await setupStorage(api, w);
        const diskId = await addDisk(must, api, s, fresh(w, 'u'));
        w.vars.uploadDisk = diskId;
        w.vars.transfer = await uploadAllButFinalize(must, api, diskId, s.image);
      },
      run: (api, w) => api.call('POST', `/imagetransfers/${w.vars.transfer}/finalize`, '<action/>'),
    },
    {
      name: 'snapshot-create',
      points: ['intent', 'partial'],
      async setup(api, w) {
        await setupStorage(api, w);
      },
      run: async (api, w) => {
        const s = await setupStorage(api, w);
        return api.call(
          'POST',
          `/vms/${s.snapVmId}/snapshots`,
          `<snapshot><description>${fresh(w, 's')}</description></snapshot>`,
        );
      },
    },
    {
      name: 'snapshot-restore',
      points: ['intent'],
      async setup(api, w) {
        const s = await setupStorage(api, w);
        const r = await must(
          api,
          'POST',
          `/vms/${s.snapVmId}/snapshots`,
          `<snapshot><description>${fresh(w, 'r')}</description></snapshot>`,
        );
        const id = String(entity(r.body, 'snapshot').id);
        await pollEntity(
          api,
          `/vms/${s.snapVmId}/snapshots/${id}`,
          'snapshot',
          (x) => x.snapshot_status === 'ok',
        );
        w.vars.snapshot = id;
      },
      run: async (api, w) => {
        const s = await setupStorage(api, w);
        return api.call(
          'POST',
          `/vms/${s.snapVmId}/snapshots/${w.vars.snapshot}/restore`,
          '<action/>',
        );
      },
    },
    {
      name: 'disk-remove',
      points: ['intent'],
      async setup(api, w) {
        const s = await setupStorage(api, w);
        w.vars.removeDisk = await addDisk(must, api, s, fresh(w, 'x'));
      },
      run: (api, w) => api.call('DELETE', `/disks/${w.vars.removeDisk}`),
    },
  ];
}

/** Names of the storage rounds (their clean-up differs from the network rounds'). */
export const STORAGE_KILL_COMMANDS = [
  'disk-add',
  'vm-from-template',
  'upload-finalize',
  'snapshot-create',
  'snapshot-restore',
  'disk-remove',
] as const;

/** True when a `.partial` file exists anywhere in the run's storage domains. */
export function partialExists(dataDir: string): boolean {
  return walk(join(dataDir, 'storage')).some((f) => f.endsWith('.partial'));
}

function walk(dir: string, depth = 0): string[] {
  if (depth > 5 || !existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p, depth + 1));
    else out.push(p);
  }
  return out;
}

interface Rows {
  domains: { path: string }[];
  disks: { id: string; alias: string; status: string; status_detail: string | null }[];
  volumes: { id: string; disk_id: string; path: string; status: string; active: number }[];
  templates: { name: string; status: string }[];
  snapshots: { id: string; status: string }[];
  vms: { name: string; status: string }[];
  transfers: { id: string; disk_id: string; phase: string }[];
}

function readRows(dataDir: string): Rows {
  const db = new BetterSqlite3(join(dataDir, 'engine.db'), { readonly: true, timeout: 5000 });
  try {
    const all = <T>(sql: string): T[] => db.prepare(sql).all() as T[];
    return {
      domains: all('SELECT path FROM storage_domain'),
      disks: all('SELECT id, alias, status, status_detail FROM disk'),
      volumes: all('SELECT id, disk_id, path, status, active FROM image'),
      templates: all('SELECT name, status FROM vm_template'),
      snapshots: all('SELECT id, status FROM snapshot'),
      vms: all('SELECT name, status FROM vm'),
      transfers: all('SELECT id, disk_id, phase FROM image_transfer'),
    };
  } finally {
    db.close();
  }
}

/** Figures the storage checks keep across rounds. */
export const storageFigures = { 'illegal disks seen after kills': 0, 'uploads compared': 0 };

/**
 * Everything wrong with storage after a restart (see the file comment). Waits up to 20 s for
 * `locked` states to settle first (start-up recovery is synchronous, but be fair to jobs).
 */
export async function storageInconsistencies(
  dataDir: string,
  w: World,
  sourceImage: () => string | null,
): Promise<string[]> {
  let rows = readRows(dataDir);
  const stuck = (r: Rows): string[] => [
    ...r.disks.filter((d) => d.status === 'locked').map((d) => `disk ${d.alias} stays locked`),
    ...r.templates
      .filter((t) => t.status === 'locked')
      .map((t) => `template ${t.name} stays locked`),
    ...r.snapshots.filter((s) => s.status === 'locked').map((s) => `snapshot ${s.id} stays locked`),
    ...r.vms
      .filter((v) => v.status === 'image_locked')
      .map((v) => `VM ${v.name} stays image_locked`),
  ];
  for (let i = 0; i < 100 && stuck(rows).length > 0; i++) {
    await sleep(200);
    rows = readRows(dataDir);
  }
  const problems = stuck(rows);
  const byDisk = new Map<string, Rows['volumes']>();
  for (const v of rows.volumes) byDisk.set(v.disk_id, [...(byDisk.get(v.disk_id) ?? []), v]);
  for (const d of rows.disks) {
    if (d.status === 'illegal' && d.alias.startsWith(w.prefix))
      storageFigures['illegal disks seen after kills']++;
    if (d.status !== 'ok') continue;
    const vols = byDisk.get(d.id) ?? [];
    if (vols.length === 0) problems.push(`disk ${d.alias} is ok with no volume`);
    for (const v of vols) {
      if (!existsSync(v.path)) {
        problems.push(`disk ${d.alias} is ok, its volume file ${v.path} is missing`);
        continue;
      }
      if (v.status !== 'ok') problems.push(`disk ${d.alias} is ok, volume ${v.id} is ${v.status}`);
    }
    const active = vols.find((v) => v.active === 1);
    if (active && existsSync(active.path)) {
      try {
        await run('qemu-img', ['check', '-U', active.path]);
      } catch (e) {
        problems.push(`disk ${d.alias} is ok, qemu-img check fails: ${String(e).slice(0, 200)}`);
      }
      // An upload that says it succeeded must hold exactly the uploaded image.
      const image = sourceImage();
      const t = rows.transfers.find((x) => x.disk_id === d.id && x.phase === 'finished_success');
      if (image !== null && t !== undefined && d.alias.startsWith(w.prefix)) {
        storageFigures['uploads compared']++;
        try {
          await run('qemu-img', ['compare', '-U', image, active.path]);
        } catch {
          problems.push(`disk ${d.alias}: upload finished_success but the content differs`);
        }
      }
    }
  }
  const known = new Set(rows.volumes.map((v) => v.path));
  for (const sd of rows.domains) {
    for (const f of walk(sd.path)) {
      if (f.startsWith(join(sd.path, 'import'))) continue;
      if (f.endsWith('.partial')) problems.push(`stray partial ${f}`);
      else if (!known.has(f)) problems.push(`orphan file ${f} (no volume row)`);
    }
  }
  return problems;
}
