// SPDX-License-Identifier: Apache-2.0
// Benchmark 6 (issue 11, must-show 5): storage and the bundled debian-12 guest, side by side in
// the same run with what a user would type without the appliance:
//  a. a thin VM from template debian-12 through the REST API (POST /vms until `down`) vs
//     `qemu-img create -f qcow2 -b <the template's volume> -F qcow2` by hand;
//  b. an upload through /imagetransfers (plain HTTP PUTs to the imageio URL, flush, finalize,
//     until the disk is `ok`: the engine checks the image) vs `cp` (and `cp` + `sync`, since our
//     flush is an fdatasync) of the same file into the same file system;
//  c. a debian-12 VM from nothing (isolated network, VM, vNIC, start) to its `login:` prompt on
//     the serial console vs a hand-written `ip` + `qemu-img create -b` + `virsh define`/`start`
//     script on the same template file, watched on `virsh console` to the same prompt.
// Ours and the baseline alternate; everything made is removed again.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';

import type { ConsoleSession } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { readAccelerator } from '../../libvirt/probe';
import { openRpcConsole } from '../functional/rpc-client';
import { entity, items, parseXmlDoc } from '../functional/support';
import { idOf, type ServedAppliance } from './appliance';
import { benchPrefix, clusterId, deployIsolatedNetwork, removeNetwork } from './lab';
import { median, run, time } from './measure';

const MiB = 1024 * 1024;
const VIRSH = ['-c', 'qemu:///system'];
// A quiet machine boots it in ~45 s; a loaded 2-core one (other guests, builds) took > 5 min.
const BOOT_MS = 600_000;

/** What a benchmark row needs (bench.ts's `record`). */
export interface Row {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: string;
  readonly baselineValue?: number;
  readonly ratio?: number;
  readonly note?: string;
}
export type Record_ = (r: Row) => void;

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

async function getEntity(
  a: ServedAppliance,
  path: string,
  root: string,
): Promise<Record<string, unknown>> {
  return entity(parseXmlDoc(await a.ok('GET', path)), root);
}

/** Polls `path` until `done` holds (oVirt clients poll too); every 50 ms. */
async function poll(
  a: ServedAppliance,
  path: string,
  root: string,
  done: (e: Record<string, unknown>) => boolean,
  timeoutMs = 300_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = await getEntity(a, path, root);
    if (done(e)) return e;
    if (Date.now() > deadline) throw new Error(`timed out polling ${path}: ${JSON.stringify(e)}`);
    await sleep(50);
  }
}

/** The bundled debian-12 template (waiting for its background copy) and its volume file. */
export async function debianTemplate(
  a: ServedAppliance,
): Promise<{ id: string; file: string } | null> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const all = items(parseXmlDoc(await a.ok('GET', '/templates')), 'templates', 'template');
    const t = all.find((x) => x.name === 'debian-12');
    if (t === undefined) return null; // not built: the engine registered nothing
    if (t.status === 'ok') {
      const id = String(t.id);
      const atts = items(
        parseXmlDoc(await a.ok('GET', `/templates/${id}/diskattachments`)),
        'disk_attachments',
        'disk_attachment',
      );
      const diskId = String((atts[0]?.disk as { id?: string } | undefined)?.id);
      const disk = await getEntity(a, `/disks/${diskId}`, 'disk');
      const domains = items(
        parseXmlDoc(await a.ok('GET', '/storagedomains')),
        'storage_domains',
        'storage_domain',
      );
      const local = domains.find((d) => d.name === 'local') ?? domains[0];
      const path = String((local?.storage as { path?: string } | undefined)?.path);
      return { id, file: join(path, diskId, String(disk.image_id)) };
    }
    if (t.status === 'illegal') throw new Error('template debian-12 is illegal');
    if (Date.now() > deadline) throw new Error('template debian-12 stayed locked');
    await sleep(500);
  }
}

/** a. Thin VM from the template through the API vs qemu-img create -b by hand. */
export async function thinVm(
  a: ServedAppliance,
  template: { id: string; file: string },
  runs: number,
  record: Record_,
): Promise<void> {
  console.log(`6a. thin VM from template debian-12 (${runs} alternating runs)`);
  const scratch = await mkdtemp(join(a.dataDir, 'bench-overlays-'));
  const ours: number[] = [];
  const theirs: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      let vmId = '';
      ours.push(
        await time(async () => {
          vmId = idOf(
            await a.ok(
              'POST',
              '/vms',
              `<vm><name>${benchPrefix()}thin${i}</name><cluster><name>Default</name></cluster>` +
                `<template id="${template.id}"/></vm>`,
            ),
          );
          await poll(a, `/vms/${vmId}`, 'vm', (v) => v.status === 'down', 60_000);
        }),
      );
      await a.ok('DELETE', `/vms/${vmId}`);
      const overlay = join(scratch, `thin${i}.qcow2`);
      theirs.push(
        await time(() =>
          run('qemu-img', ['create', '-f', 'qcow2', '-b', template.file, '-F', 'qcow2', overlay]),
        ),
      );
      await rm(overlay, { force: true });
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  const m = median(ours);
  const t = median(theirs);
  record({
    metric: 'thin VM from template via API (median)',
    value: m,
    unit: 'ms',
    baseline: 'qemu-img create -b',
    baselineValue: t,
    ratio: m / t,
  });
}

interface Raw {
  readonly status: number;
  readonly body: string;
}

/** A plain HTTP exchange with the imageio URL (no engine credentials: the ticket is the key). */
function plain(
  method: string,
  url: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A qcow2 image full of data (random, so nothing compresses or is skipped as zero). */
async function makeImage(dir: string, mib: number): Promise<string> {
  const raw = join(dir, 'upload.raw');
  await writeFile(raw, randomBytes(mib * MiB));
  const qcow2 = join(dir, 'upload.qcow2');
  await run('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2]);
  await rm(raw);
  return qcow2;
}

/** Upload through /imagetransfers as oVirt's upload_disk.py does with a plain HTTP client. */
async function uploadThroughApi(
  a: ServedAppliance,
  image: string,
  name: string,
): Promise<{ diskId: string; putMs: number }> {
  const info = JSON.parse(await run('qemu-img', ['info', '--output=json', image])) as {
    'virtual-size': number;
  };
  const data = await readFile(image);
  const diskId = idOf(
    await a.ok(
      'POST',
      '/disks',
      `<disk><name>${name}</name><format>cow</format><sparse>true</sparse>` +
        `<provisioned_size>${info['virtual-size']}</provisioned_size>` +
        `<initial_size>${data.length}</initial_size>` +
        '<storage_domains><storage_domain><name>local</name></storage_domain></storage_domains></disk>',
    ),
  );
  await poll(a, `/disks/${diskId}`, 'disk', (d) => d.status === 'ok', 60_000);
  const transferId = idOf(
    await a.ok(
      'POST',
      '/imagetransfers',
      `<image_transfer><disk id="${diskId}"/><direction>upload</direction><format>cow</format></image_transfer>`,
    ),
  );
  const t = await poll(a, `/imagetransfers/${transferId}`, 'image_transfer', (e) => {
    if (String(e.phase).startsWith('finished') || String(e.phase).startsWith('cancelled'))
      throw new Error(`transfer ended: ${JSON.stringify(e)}`);
    return e.phase === 'transferring';
  });
  const url = String(t.transfer_url);
  const chunk = 8 * MiB;
  const putStarted = performance.now();
  for (let offset = 0; offset < data.length; offset += chunk) {
    const part = data.subarray(offset, offset + chunk);
    const r = await plain(
      'PUT',
      `${url}?flush=n`,
      {
        'Content-Range': `bytes ${offset}-${offset + part.length - 1}/*`,
        'Content-Length': String(part.length),
      },
      part,
    );
    if (r.status !== 200) throw new Error(`PUT → ${r.status}: ${r.body.slice(0, 200)}`);
  }
  const flush = await plain(
    'PATCH',
    url,
    { 'Content-Type': 'application/json' },
    Buffer.from('{"op":"flush"}'),
  );
  if (flush.status !== 200) throw new Error(`flush → ${flush.status}`);
  const putMs = performance.now() - putStarted;
  await a.ok('POST', `/imagetransfers/${transferId}/finalize`, '<action/>');
  const disk = await poll(a, `/disks/${diskId}`, 'disk', (d) => d.status !== 'locked', 120_000);
  if (disk.status !== 'ok') throw new Error(`uploaded disk is ${String(disk.status)}`);
  return { diskId, putMs };
}

/** b. Upload through /imagetransfers vs cp (and cp + sync) of the same file. */
export async function upload(a: ServedAppliance, mib: number, record: Record_): Promise<void> {
  console.log(`6b. upload a ${mib} MiB qcow2 image: /imagetransfers vs cp`);
  const work = await mkdtemp(join(a.dataDir, 'bench-upload-'));
  try {
    const image = await makeImage(work, mib);
    const bytes = (await stat(image)).size;
    const copy = join(work, 'copy.qcow2');
    // Warm the page cache for both sides alike.
    await readFile(image);
    let diskId = '';
    let putMs = Number.NaN;
    const ours = await time(async () => {
      ({ diskId, putMs } = await uploadThroughApi(a, image, `${benchPrefix()}up`));
    });
    const cp = await time(() => run('cp', [image, copy]));
    await rm(copy, { force: true });
    const cpSync = await time(async () => {
      await run('cp', [image, copy]);
      await run('sync', [copy]);
    });
    await a.ok('DELETE', `/disks/${diskId}`);
    const mibs = (ms: number): number => bytes / MiB / (ms / 1000);
    const note = `${(bytes / MiB).toFixed(0)} MiB file; ratio in time, above 1 = slower`;
    for (const [baseline, ms] of [
      ['cp', cp],
      ['cp + sync', cpSync],
    ] as const) {
      record({
        metric: 'upload throughput via /imagetransfers',
        value: mibs(ours),
        unit: 'MiB/s',
        baseline,
        baselineValue: mibs(ms),
        ratio: ours / ms,
        note: `${note}; disk create + transfer + PUTs + finalize until the disk is ok`,
      });
    }
    // The data plane alone: the PUTs and the flush (fdatasync), without the engine's checks.
    record({
      metric: 'upload throughput, imageio PUTs + flush only',
      value: mibs(putMs),
      unit: 'MiB/s',
      baseline: 'cp + sync',
      baselineValue: mibs(cpSync),
      ratio: putMs / cpSync,
      note,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Resolves once `pattern` shows on the console (output from the moment it was attached). */
function waitForConsole(
  session: ConsoleSession,
  pattern: RegExp,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => {
      dispose();
      reject(
        new Error(`no ${String(pattern)} on the console; tail ${JSON.stringify(text.slice(-600))}`),
      );
    }, timeoutMs);
    const dispose = session.onData((d) => {
      text += d;
      if (pattern.test(text)) {
        clearTimeout(timer);
        dispose();
        resolve();
      }
    });
  });
}

/** The login prompt of the Debian getty (`debian login: `), never a shell prompt. */
const LOGIN = /\blogin: /;

/** c, ours: from nothing to login: through the REST API and the console RPC. */
async function debianThroughApi(a: ServedAppliance, templateId: string): Promise<number> {
  const cluster = await clusterId(a);
  const token = await a.token();
  let vmId = '';
  let networkId = '';
  try {
    return await time(async () => {
      ({ networkId } = await deployIsolatedNetwork(a, cluster, `${benchPrefix()}deb`, 1500));
      const profile = /<vnic_profile [^>]*\bid="([^"]+)"/.exec(
        await a.ok('GET', `/networks/${networkId}/vnicprofiles`),
      )?.[1];
      vmId = idOf(
        await a.ok(
          'POST',
          '/vms',
          `<vm><name>${benchPrefix()}deb</name><cluster><name>Default</name></cluster>` +
            `<template id="${templateId}"/></vm>`,
        ),
      );
      await poll(a, `/vms/${vmId}`, 'vm', (v) => v.status === 'down', 60_000);
      await a.ok(
        'POST',
        `/vms/${vmId}/nics`,
        `<nic><interface>virtio</interface><name>nic1</name><vnic_profile id="${String(profile)}"/></nic>`,
      );
      await a.ok('POST', `/vms/${vmId}/start`, '<action/>');
      const session = await openRpcConsole(a.origin, token, vmId);
      try {
        await waitForConsole(session, LOGIN, BOOT_MS);
      } finally {
        session.close();
      }
    });
  } finally {
    if (vmId !== '') {
      await a.request('POST', `/vms/${vmId}/stop`, '<action/>');
      await a.request('DELETE', `/vms/${vmId}`);
    }
    if (networkId !== '') await removeNetwork(a, cluster, networkId).catch(() => undefined);
  }
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** c, baseline: ip + qemu-img create -b + virsh define/start, watched on virsh console. */
async function debianByHand(templateFile: string, scratchParent: string): Promise<number> {
  const bridge = `${benchPrefix()}vdb`;
  const dir = await mkdtemp(join(scratchParent, 'bench-virsh-'));
  const agent = createLocalHostAgent({ stateDir: join(dir, 'agent') });
  const uuid = randomUUID();
  const name = `${benchPrefix()}hdeb`;
  const type = readAccelerator() === 'kvm' ? 'kvm' : 'qemu';
  try {
    return await time(async () => {
      await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
      await run('ip', ['link', 'set', 'dev', bridge, 'up']);
      const disk = join(dir, 'disk.qcow2');
      await run('qemu-img', ['create', '-f', 'qcow2', '-b', templateFile, '-F', 'qcow2', disk]);
      const file = join(dir, 'vm.xml');
      await writeFile(
        file,
        `<domain type="${type}"><name>${xmlEscape(name)}</name><uuid>${uuid}</uuid>
  <memory unit="MiB">512</memory><vcpu>1</vcpu>
  <os><type arch="x86_64" machine="pc">hvm</type><boot dev="hd"/></os>
  <devices>
    <disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="${xmlEscape(disk)}"/><target dev="vda" bus="virtio"/></disk>
    <interface type="bridge"><source bridge="${xmlEscape(bridge)}"/><model type="virtio"/></interface>
    <serial type="pty"/><console type="pty"/>
  </devices></domain>`,
      );
      await run('virsh', [...VIRSH, 'define', file]);
      await run('virsh', [...VIRSH, 'start', name]);
      const session = await agent.domainConsole(uuid);
      try {
        await waitForConsole(session, LOGIN, BOOT_MS);
      } finally {
        session.close();
      }
    });
  } finally {
    await run('virsh', [...VIRSH, 'destroy', uuid]).catch(() => '');
    await run('virsh', [...VIRSH, 'undefine', uuid]).catch(() => '');
    await run('ip', ['link', 'del', 'dev', bridge]).catch(() => '');
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** c. One debian-12 boot each side, to the login prompt. */
export async function debianBoot(
  a: ServedAppliance,
  template: { id: string; file: string },
  record: Record_,
): Promise<void> {
  console.log('6c. debian-12 VM from nothing to login: on its serial console');
  const ours = await debianThroughApi(a, template.id);
  const theirs = await debianByHand(template.file, a.dataDir);
  record({
    metric: 'debian-12 VM from nothing to login: via API',
    value: ours,
    unit: 'ms',
    baseline: 'qemu-img + virsh script',
    baselineValue: theirs,
    ratio: ours / theirs,
  });
}

/** All of benchmark 6; skips (saying why) what needs the debian-12 image when it is not built. */
export async function storageBench(
  a: ServedAppliance,
  opts: { quick: boolean; boot: boolean },
  record: Record_,
): Promise<void> {
  // Waits for the engine's first-start copy of the bundled image too: it would otherwise
  // compete with the upload and the copies measured below.
  const template = await debianTemplate(a);
  await upload(a, opts.quick ? 32 : 256, record);
  if (template === null) {
    console.log('6a/6c skipped: no template debian-12 (the image is not built: npm run setup)');
    return;
  }
  await thinVm(a, template, opts.quick ? 3 : 10, record);
  if (opts.boot) await debianBoot(a, template, record);
  else
    console.log(
      '6c skipped (quick mode or --skip-boot): the full bench boots debian-12 once each side',
    );
}
