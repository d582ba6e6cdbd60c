// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 11 must-shows 1 and 2, inside the guest. Everything goes through the engine's contract
 * (as the REST API and the UI do) with the real host agent: the bundled template `debian-12`,
 * an isolated network, thin VMs from the template, the VM's serial console (root is logged in
 * on ttyS0 by the image, see build/guest/debian/), snapshots. What the guest prints is the
 * oracle; qemu-img and sha256 check the files out of band.
 *
 * Three boot periods (about a minute each under TCG), shared between the assertions:
 *  A. two thin VMs boot at the same time (vm1 after a snapshot taken while it was down); each
 *     writes its own file and `sync`s; both are stopped. Must-show 2: each wrote only into its
 *     own overlay (qemu-img backing chain, growth), the template file's sha256 is unchanged.
 *  B. vm1 boots again: its file is still there (must-show 1, persistence across stop/start).
 *  C. the snapshot is restored, vm1 boots: the file is gone (must-show 1, restore).
 * Skips, saying why, when the image is not built or the host cannot run guests.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEBIAN_GUEST_NAME, readDebianGuest } from '../../libvirt/debian-guest';
import { run } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import type { Vm } from '../../main/contract/vms';
import { ADMIN, type Harness, must, startHarness } from '../fixtures/engine-harness';
import { GuestConsole } from '../support/guest-console';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'rg';
/** A boot under TCG takes ~45 s alone; two at once on a busy 2-core machine, much longer. */
const BOOT_MS = 600_000;
/** The shell prompt of root on the serial console (`root@debian:~# ` or `debian:~# `). */
const ROOT_PROMPT = ':~# ';

const skip =
  hostTestSkipReason() ||
  (readDebianGuest() === null
    ? `the ${DEBIAN_GUEST_NAME} image is not built (run npm run setup)`
    : false);
if (skip) console.log(`real-guests.test.ts skipped: ${skip}`);

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface QemuImgInfo {
  filename: string;
  'actual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
}

/** `qemu-img info --backing-chain` of a volume, top first (read-only, -U: no lock taken). */
async function chain(path: string): Promise<QemuImgInfo[]> {
  const { stdout } = await run('qemu-img', [
    'info',
    '--output=json',
    '--backing-chain',
    '-U',
    path,
  ]);
  return JSON.parse(stdout) as QemuImgInfo[];
}

describe.skipIf(Boolean(skip))('debian-12 VMs from the bundled template, checked inside', () => {
  const prefix = claimRunPrefix(FAMILY);
  const dir = runDir(prefix);
  let agent: LocalHostAgent;
  let h: Harness;
  const vms: Vm[] = [];
  /** The MAC the engine gave each VM's vNIC on the isolated network. */
  const macs: string[] = [];
  let networkId = '';
  let templateFile = '';
  let templateSum = '';
  let snapshotId = '';

  async function until<T>(
    what: string,
    read: () => Promise<T>,
    ok: (v: T) => boolean,
    ms = 120_000,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await read();
      if (ok(v)) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  }

  /** Path of a VM's active volume (the file the running guest writes). */
  async function activeVolume(vmId: string): Promise<string> {
    const [att] = await h.ok('GetDiskAttachmentsByVmId', { vmId });
    const disk = await h.ok('GetDiskById', { id: must(att).diskId });
    const [sd] = await h.ok('GetAllStorageDomains', {});
    return join(must(sd).path, disk.id, must(disk.imageId));
  }

  /** Start a VM through the engine and get root's shell on its serial console. */
  async function boot(vm: Vm): Promise<GuestConsole> {
    await h.ok('RunVm', { id: vm.id });
    return GuestConsole.open(await h.engine.openVmConsole(ADMIN, vm.id), BOOT_MS, ROOT_PROMPT);
  }

  /** Type a command as root; returns what it printed, insisting on exit status 0. */
  async function sh(c: GuestConsole, command: string): Promise<string> {
    const r = await c.run(command, 120_000);
    expect(r.exitCode, `${command}: ${r.output}`).toBe(0);
    return r.output;
  }

  async function stop(vm: Vm, c: GuestConsole | null): Promise<void> {
    c?.close();
    await h.ok('StopVm', { id: vm.id });
    await until(
      `${vm.name} down`,
      () => h.ok('GetVmById', { id: vm.id }),
      (v) => v.status === 'down',
    );
  }

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = new LocalHostAgent({ stateDir: join(dir, 'state') });
    h = await startHarness(agent, join(dir, 'engine'));
    // The engine copies the bundled image into `local` in the background at first start.
    const template = await until(
      'template debian-12 ok',
      async () =>
        (await h.ok('GetAllTemplates', {})).find((t) => t.name === DEBIAN_GUEST_NAME) ?? null,
      (t) => t?.status === 'ok',
      300_000,
    );
    const [tatt] = await h.ok('GetDiskAttachmentsByTemplateId', { templateId: must(template).id });
    const [sd] = await h.ok('GetAllStorageDomains', {});
    templateFile = join(must(sd).path, must(tatt).diskId, must(must(tatt).disk.imageId));
    templateSum = await sha256(templateFile);

    const net = await h.ok('AddNetwork', {
      name: `${prefix}lab`,
      dataCenter: { name: 'Default' },
      isolated: true,
    });
    networkId = net.id;
    await h.ok('AttachNetworkToCluster', { cluster: { name: 'Default' }, network: { id: net.id } });
    const profile = must((await h.ok('GetVnicProfilesByNetworkId', { networkId: net.id }))[0]);
    for (const n of [1, 2]) {
      const vm = await h.ok('AddVm', {
        name: `${prefix}deb${n}`,
        cluster: { name: 'Default' },
        template: { id: must(template).id },
      });
      vms.push(vm);
      await until(
        'thin VM disks',
        () => h.ok('GetVmById', { id: vm.id }),
        (v) => v.status === 'down',
      );
      const nic = await h.ok('AddVmInterface', {
        vmId: vm.id,
        name: 'nic1',
        vnicProfileId: profile.id,
      });
      macs.push(nic.mac.toLowerCase());
    }
  }, 900_000);

  afterAll(async () => {
    try {
      for (const vm of vms) {
        await h.engine.invoke(ADMIN, 'StopVm', { id: vm.id });
        await h.engine.invoke(ADMIN, 'RemoveVm', { id: vm.id });
      }
      if (networkId !== '') {
        const [cl] = await h.ok('GetAllClusters', {});
        await h.engine.invoke(ADMIN, 'DetachNetworkFromCluster', {
          clusterId: must(cl).id,
          networkId,
        });
        await h.engine.invoke(ADMIN, 'RemoveNetwork', { id: networkId });
      }
      await h.close();
    } finally {
      await agent.close();
      releaseRunPrefix(prefix);
    }
  }, 120_000);

  it('two thin VMs boot at once; each writes only into its own overlay; the template is unchanged', async () => {
    const [vm1, vm2] = [must(vms[0]), must(vms[1])];
    // Must-show 1 needs a snapshot from before the file exists: take it now, VM down.
    const snap = await h.ok('CreateSnapshot', { vmId: vm1.id, description: 'before the file' });
    snapshotId = snap.id;
    await until(
      'snapshot ok',
      () => h.ok('GetSnapshotById', { vmId: vm1.id, id: snap.id }),
      (s) => s.status === 'ok',
    );
    const tops = [await activeVolume(vm1.id), await activeVolume(vm2.id)];
    const sizesBefore = await Promise.all(tops.map(async (p) => must((await chain(p))[0])));

    const started = Date.now();
    const consoles = await Promise.all([boot(vm1), boot(vm2)]);
    console.log(
      `two debian-12 VMs at once: both logged in after ${(Date.now() - started) / 1000} s`,
    );
    const [c1, c2] = consoles;
    for (const [i, c] of [c1, c2].entries()) {
      // The guest is the Debian of the image, on its own root file system.
      expect(await sh(c, 'grep PRETTY_NAME /etc/os-release')).toContain('Debian GNU/Linux 12');
      expect(await sh(c, 'id -un')).toContain('root');
      // Booted from its own disk (the root file system is on the VM's virtio disk, not a
      // kernel handed over by the host), with its vNIC on the isolated network present.
      expect(await sh(c, 'findmnt -n -o SOURCE /')).toMatch(/\/dev\/vda2/);
      expect(await sh(c, 'cat /sys/class/net/eth0/address')).toContain(must(macs[i]));
      await sh(c, `echo written-by-vm${i + 1} > /root/proof-vm${i + 1} && sync`);
    }
    // Each sees its own file, not the other's: two disks, not one shared file.
    expect(await sh(c1, 'cat /root/proof-vm1')).toContain('written-by-vm1');
    expect(await sh(c1, 'ls /root/ | grep -c proof-vm2 || true')).toMatch(/^0\s*$/m);
    expect(await sh(c2, 'cat /root/proof-vm2')).toContain('written-by-vm2');
    expect(await sh(c2, 'ls /root/ | grep -c proof-vm1 || true')).toMatch(/^0\s*$/m);
    await stop(vm1, c1);
    await stop(vm2, c2);

    // Out of band: each VM's top volume is a qcow2 overlay whose chain ends in the template's
    // file, it grew with the guest's writes, and the template file is byte for byte the same.
    for (const [i, top] of tops.entries()) {
      const links = await chain(top);
      expect(links.at(-1)?.filename).toBe(templateFile);
      expect(must(links[0])['actual-size']).toBeGreaterThan(must(sizesBefore[i])['actual-size']);
    }
    expect(must((await chain(must(tops[1])))[0])['full-backing-filename']).toBe(templateFile);
    expect(await sha256(templateFile)).toBe(templateSum);
  }, 1_200_000);

  it('the file survives stop and start', async () => {
    const vm1 = must(vms[0]);
    const c = await boot(vm1);
    expect(await sh(c, 'cat /root/proof-vm1')).toContain('written-by-vm1');
    await stop(vm1, c);
  }, 900_000);

  it('restoring the snapshot taken before writing brings the disk back without the file', async () => {
    const vm1 = must(vms[0]);
    expect(snapshotId).not.toBe('');
    await h.ok('RestoreSnapshot', { vmId: vm1.id, id: snapshotId });
    await until(
      'restored',
      () => h.ok('GetVmById', { id: vm1.id }),
      (v) => v.status === 'down',
    );
    const c = await boot(vm1);
    expect(await sh(c, 'test -e /root/proof-vm1 && echo still-there || echo gone')).toMatch(
      /^gone\s*$/m,
    );
    // The guest itself still works on the restored disk (it can write again).
    await sh(c, 'echo after-restore > /root/after && sync && cat /root/after');
    await stop(vm1, c);
    expect(await sha256(templateFile)).toBe(templateSum);
  }, 900_000);
});
