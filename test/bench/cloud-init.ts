// SPDX-License-Identifier: Apache-2.0
// Benchmark 6d (issue 12, must-show 5): a debian-12 VM from nothing to its SSH port answering
// (the `SSH-2.0-` banner read on TCP 22), side by side in the same run:
//  ours: REST API only: an isolated network with an address plan (DHCP/DNS on the segment), a
//        VM from template debian-12 with `initialization` (user, authorized_ssh_keys, eth0
//        static), a vNIC, start with cloud-init;
//  baseline: a hand-written script on the same template file: `ip link` bridge, `qemu-img
//        create -b`, a NoCloud seed made with `xorriso -as mkisofs -volid cidata` (same user,
//        key and static address), `virsh define`/`start`.
// The host has no address on either segment (on purpose: isolation), so both sides are watched
// by the same probe: a network namespace joined to the bridge by a veth, with an address in the
// subnet, running one node process that connects to the guest's port 22 until it reads the
// banner. Everything made is removed again, also when a step fails.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { readAccelerator } from '../../libvirt/probe';
import { idOf, type ServedAppliance } from './appliance';
import { benchPrefix, clusterId, removeNetwork } from './lab';
import { bridgeIsUp, run, time, waitFor } from './measure';
import type { Record_ } from './storage';

const MiB = 1024 * 1024;
const VIRSH = ['-c', 'qemu:///system'];
// As 6c: ~1 min on a quiet machine under TCG, several minutes on a loaded 2-core one.
const BOOT_MS = 900_000;
const SUBNET = '10.83.0';
const GUEST = `${SUBNET}.10`;
const PROBE = `${SUBNET}.250`;
const MEMORY_MIB = 512;

/**
 * Run inside the probe namespace: connect to ADDR:22 (1 s limit per try, 250 ms apart) until the
 * server's first line starts with `SSH-`; print it and exit 0. One process for the whole wait,
 * so the polling costs no process start per try on a loaded machine.
 */
const PROBE_SCRIPT = `
const net = require('node:net');
const [addr, limit] = process.argv.slice(1);
const deadline = Date.now() + Number(limit);
function attempt() {
  if (Date.now() > deadline) { console.error('no SSH banner from ' + addr); process.exit(1); }
  let text = '';
  let done = false;
  const s = net.connect({ host: addr, port: 22 });
  const retry = () => { if (done) return; done = true; s.destroy(); setTimeout(attempt, 250); };
  s.setTimeout(1000, retry);
  s.on('error', retry);
  s.on('close', retry);
  s.on('data', (d) => {
    text += d.toString('latin1');
    if (text.includes('\\n')) {
      if (text.startsWith('SSH-')) { done = true; console.log(text.split(/\\r?\\n/)[0]); process.exit(0); }
      retry();
    }
  });
}
attempt();
`;

/** A probe namespace on `bridge`: one veth, address PROBE/24; the host end gets no address. */
interface Probe {
  readonly ns: string;
  readonly port: string;
}

function probeNames(tag: string): Probe {
  return { ns: `${benchPrefix()}p${tag}`, port: `${benchPrefix()}v${tag}` };
}

async function buildProbe(p: Probe, bridge: string): Promise<void> {
  await run('ip', ['netns', 'add', p.ns]);
  await run('ip', [
    'link', 'add', 'name', p.port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', p.ns,
  ]); // prettier-ignore
  // The host end stays without any address, IPv6 link-local included.
  await run('ip', ['link', 'set', 'dev', p.port, 'addrgenmode', 'none']);
  await run('ip', ['-n', p.ns, 'link', 'set', 'dev', 'lo', 'up']);
  await run('ip', ['-n', p.ns, 'addr', 'add', `${PROBE}/24`, 'dev', 'eth0']);
  await run('ip', ['-n', p.ns, 'link', 'set', 'dev', 'eth0', 'up']);
  await run('ip', ['link', 'set', 'dev', p.port, 'master', bridge]);
  await run('ip', ['link', 'set', 'dev', p.port, 'up']);
}

async function removeProbe(p: Probe): Promise<void> {
  // Deleting the namespace deletes its veth end and so the pair; the port is removed first in
  // case the namespace is already gone.
  await run('ip', ['link', 'del', 'dev', p.port]).catch(() => '');
  await run('ip', ['netns', 'del', p.ns]).catch(() => '');
}

/** Waits (inside the probe namespace) for the SSH banner of GUEST; returns the banner line. */
function sshBanner(p: Probe): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'ip',
      ['netns', 'exec', p.ns, process.execPath, '-e', PROBE_SCRIPT, GUEST, String(BOOT_MS)],
      { timeout: BOOT_MS + 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`SSH probe of ${GUEST} failed: ${stderr || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** Probe on `bridge`, then the banner; the probe is always removed. */
async function bannerOnSegment(tag: string, bridge: string): Promise<string> {
  const p = probeNames(tag);
  try {
    await buildProbe(p, bridge);
    return await sshBanner(p);
  } finally {
    await removeProbe(p);
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

const sleep = (ms: number): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

/** 6d, ours: everything through the REST API, timed from the first request to the banner. */
async function sshThroughApi(
  a: ServedAppliance,
  templateId: string,
  publicKey: string,
): Promise<{ ms: number; banner: string }> {
  const cluster = await clusterId(a);
  const name = `${benchPrefix()}ss`;
  let vmId = '';
  let networkId = '';
  let banner = '';
  try {
    const ms = await time(async () => {
      networkId = idOf(
        await a.ok(
          'POST',
          '/networks',
          `<network><name>${name}</name><isolated>true</isolated><mtu>1500</mtu>` +
            '<data_center><name>Default</name></data_center><address_plan>' +
            `<subnet><cidr>${SUBNET}.0/24</cidr><ip_version>v4</ip_version></subnet>` +
            `<dhcp_range><start>${SUBNET}.100</start><end>${SUBNET}.199</end></dhcp_range>` +
            '<dns_domain>bench.test</dns_domain></address_plan></network>',
        ),
      );
      await a.ok('POST', `/clusters/${cluster}/networks`, `<network id="${networkId}"/>`);
      await waitFor(() => bridgeIsUp(name, 1500), 60_000, 20);
      const profile = /<vnic_profile [^>]*\bid="([^"]+)"/.exec(
        await a.ok('GET', `/networks/${networkId}/vnicprofiles`),
      )?.[1];
      vmId = idOf(
        await a.ok(
          'POST',
          '/vms',
          `<vm><name>${name}</name><memory>${MEMORY_MIB * MiB}</memory>` +
            `<cluster><name>Default</name></cluster><template id="${templateId}"/>` +
            `<initialization><host_name>${name}</host_name><user_name>lab</user_name>` +
            `<authorized_ssh_keys>${publicKey}</authorized_ssh_keys>` +
            '<nic_configurations><nic_configuration><name>eth0</name><on_boot>true</on_boot>' +
            `<boot_protocol>static</boot_protocol><ip><address>${GUEST}</address>` +
            '<netmask>255.255.255.0</netmask></ip></nic_configuration></nic_configurations>' +
            '</initialization></vm>',
        ),
      );
      // A VM from a template is `image_locked` while its thin disk is made.
      for (;;) {
        if (/<status>down<\/status>/.test(await a.ok('GET', `/vms/${vmId}`))) break;
        await sleep(50);
      }
      await a.ok(
        'POST',
        `/vms/${vmId}/nics`,
        `<nic><interface>virtio</interface><name>nic1</name><vnic_profile id="${String(profile)}"/></nic>`,
      );
      await a.ok(
        'POST',
        `/vms/${vmId}/start`,
        '<action><use_cloud_init>true</use_cloud_init></action>',
      );
      banner = await bannerOnSegment('a', name);
    });
    return { ms, banner };
  } finally {
    if (vmId !== '') {
      await a.request('POST', `/vms/${vmId}/stop`, '<action/>').catch(() => undefined);
      await a.request('DELETE', `/vms/${vmId}`).catch(() => undefined);
    }
    if (networkId !== '') await removeNetwork(a, cluster, networkId).catch(() => undefined);
  }
}

/** 6d, baseline: the same by hand, as a user without the appliance would script it. */
async function sshByHand(
  templateFile: string,
  scratchParent: string,
  publicKey: string,
): Promise<{ ms: number; banner: string }> {
  const bridge = `${benchPrefix()}hs`;
  const dir = await mkdtemp(join(scratchParent, 'bench-ssh-'));
  const uuid = randomUUID();
  const name = `${benchPrefix()}hssh`;
  const mac = '52:54:00:83:00:10';
  const type = readAccelerator() === 'kvm' ? 'kvm' : 'qemu';
  let banner = '';
  try {
    const ms = await time(async () => {
      await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
      await run('ip', ['link', 'set', 'dev', bridge, 'addrgenmode', 'none']);
      await run('ip', ['link', 'set', 'dev', bridge, 'up']);
      const disk = join(dir, 'disk.qcow2');
      await run('qemu-img', ['create', '-f', 'qcow2', '-b', templateFile, '-F', 'qcow2', disk]);
      const seedDir = join(dir, 'seed');
      await mkdir(seedDir);
      await writeFile(
        join(seedDir, 'meta-data'),
        `instance-id: ${uuid}\nlocal-hostname: ${name}\n`,
      );
      await writeFile(
        join(seedDir, 'user-data'),
        '#cloud-config\nusers:\n  - name: lab\n    shell: /bin/bash\n' +
          `    sudo: ALL=(ALL) NOPASSWD:ALL\n    ssh_authorized_keys:\n      - ${publicKey}\n`,
      );
      await writeFile(
        join(seedDir, 'network-config'),
        'version: 2\nethernets:\n  eth0:\n' +
          `    match:\n      macaddress: "${mac}"\n    set-name: eth0\n` +
          `    addresses: [${GUEST}/24]\n`,
      );
      const seed = join(dir, 'seed.iso');
      await run('xorriso', [
        '-as', 'mkisofs', '-quiet', '-output', seed, '-volid', 'cidata', '-joliet', '-rock',
        join(seedDir, 'meta-data'), join(seedDir, 'user-data'), join(seedDir, 'network-config'),
      ]); // prettier-ignore
      const file = join(dir, 'vm.xml');
      // The seed on virtio-scsi: Debian's cloud kernel has no AHCI (SATA) driver.
      await writeFile(
        file,
        `<domain type="${type}"><name>${xmlEscape(name)}</name><uuid>${uuid}</uuid>
  <memory unit="MiB">${MEMORY_MIB}</memory><vcpu>1</vcpu>
  <os><type arch="x86_64" machine="pc">hvm</type><boot dev="hd"/></os>
  <devices>
    <disk type="file" device="disk"><driver name="qemu" type="qcow2"/><source file="${xmlEscape(disk)}"/><target dev="vda" bus="virtio"/></disk>
    <disk type="file" device="cdrom"><driver name="qemu" type="raw"/><source file="${xmlEscape(seed)}"/><target dev="sda" bus="scsi"/><readonly/></disk>
    <controller type="scsi" index="0" model="virtio-scsi"/>
    <interface type="bridge"><mac address="${mac}"/><source bridge="${xmlEscape(bridge)}"/><model type="virtio"/></interface>
    <serial type="pty"/><console type="pty"/>
  </devices></domain>`,
      );
      await run('virsh', [...VIRSH, 'define', file]);
      await run('virsh', [...VIRSH, 'start', name]);
      banner = await bannerOnSegment('h', bridge);
    });
    return { ms, banner };
  } finally {
    await run('virsh', [...VIRSH, 'destroy', uuid]).catch(() => '');
    await run('virsh', [...VIRSH, 'undefine', uuid]).catch(() => '');
    await run('ip', ['link', 'del', 'dev', bridge]).catch(() => '');
    await rm(dir, { recursive: true, force: true });
  }
}

/** 6d. One debian-12 boot each side, to the SSH banner read from the segment. */
export async function sshBench(
  a: ServedAppliance,
  template: { id: string; file: string },
  record: Record_,
): Promise<void> {
  console.log('6d. debian-12 VM from nothing to its SSH port answering (banner, from the segment)');
  const keyDir = await mkdtemp(join(a.dataDir, 'bench-key-'));
  try {
    const key = join(keyDir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'aio-bench', '-f', key]);
    const publicKey = (await readFile(`${key}.pub`, 'utf8')).trim();
    const ours = await sshThroughApi(a, template.id, publicKey);
    const theirs = await sshByHand(template.file, a.dataDir, publicKey);
    record({
      metric: 'debian-12 VM from nothing to SSH banner via API',
      value: ours.ms,
      unit: 'ms',
      baseline: 'qemu-img + NoCloud seed + virsh script',
      baselineValue: theirs.ms,
      ratio: ours.ms / theirs.ms,
      note: `banners: ${ours.banner} | ${theirs.banner}`,
    });
  } finally {
    await rm(keyDir, { recursive: true, force: true });
  }
}
