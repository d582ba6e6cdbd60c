// SPDX-License-Identifier: Apache-2.0
// Benchmark 4: a two-VM lab from nothing to both guests answering ping — through the appliance's
// REST API, and through a hand-written virsh script booting the same "tiny" guests on a bridge
// it creates itself. Both sides check reachability the same way: a ping typed on a guest's
// serial console.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ConsoleSession } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { readAccelerator } from '../../libvirt/probe';
import { readTinyGuest, tinyGuestCmdline } from '../../libvirt/tiny-guest';
import { openRpcConsole } from '../functional/rpc-client';
import { GuestConsole } from '../support/guest-console';
import { idOf, type ServedAppliance } from './appliance';
import { benchPrefix, clusterId, removeNetwork } from './lab';
import { run, time } from './measure';

const VIRSH = ['-c', 'qemu:///system'];
const GUEST_BOOT_MS = 180_000;

/** Pings `to` from the guest behind `session` until a reply comes back. */
async function pingFrom(session: ConsoleSession, to: string): Promise<void> {
  const c = await GuestConsole.open(session, GUEST_BOOT_MS);
  try {
    for (let attempt = 0; attempt < 30; attempt++) {
      const r = await c.run(`ping -c 1 -W 2 ${to}`, 30_000);
      if (r.exitCode === 0) return;
    }
    throw new Error(`no reply from ${to}`);
  } finally {
    c.close();
  }
}

/** The lab through the REST API; returns milliseconds. Everything is removed afterwards. */
export async function apiLab(a: ServedAppliance): Promise<number> {
  const cluster = await clusterId(a);
  const net = `${benchPrefix()}lab`;
  const token = await a.token();
  const vmIds: string[] = [];
  let networkId = '';
  try {
    return await time(async () => {
      networkId = idOf(
        await a.ok(
          'POST',
          '/networks',
          `<network><isolated>true</isolated><mtu>9000</mtu><name>${net}</name>` +
            '<data_center><name>Default</name></data_center></network>',
        ),
      );
      await a.ok('POST', `/clusters/${cluster}/networks`, `<network id="${networkId}"/>`);
      const profile = idOf(
        await a.ok('GET', `/networks/${networkId}/vnicprofiles`).then(firstItem),
      );
      for (const n of [1, 2]) {
        const vm = idOf(
          await a.ok(
            'POST',
            '/vms',
            `<vm><memory>${192 * 1024 * 1024}</memory><name>${benchPrefix()}vm${n}</name>` +
              '<cluster><name>Default</name></cluster><template><name>tiny</name></template>' +
              '<initialization><nic_configurations><nic_configuration>' +
              `<boot_protocol>static</boot_protocol><name>eth0</name><ip><address>10.77.0.${n}</address>` +
              '<netmask>255.255.255.0</netmask></ip></nic_configuration></nic_configurations>' +
              '</initialization></vm>',
          ),
        );
        vmIds.push(vm);
        await a.ok(
          'POST',
          `/vms/${vm}/nics`,
          `<nic><interface>virtio</interface><name>nic1</name><vnic_profile id="${profile}"/></nic>`,
        );
      }
      for (const vm of vmIds) {
        await a.ok(
          'POST',
          `/vms/${vm}/start`,
          '<action><use_cloud_init>true</use_cloud_init></action>',
        );
      }
      await pingFrom(await openRpcConsole(a.origin, token, vmIds[0] ?? ''), '10.77.0.2');
      await pingFrom(await openRpcConsole(a.origin, token, vmIds[1] ?? ''), '10.77.0.1');
    });
  } finally {
    for (const vm of vmIds) await a.request('POST', `/vms/${vm}/stop`, '<action/>');
    for (const vm of vmIds) await a.request('DELETE', `/vms/${vm}`);
    if (networkId !== '') await removeNetwork(a, cluster, networkId).catch(() => undefined);
  }
}

/** The `<vnic_profile …>` element of a collection reply, as its own document. */
function firstItem(xml: string): string {
  const m = /<vnic_profile [^>]*>/.exec(xml);
  if (m === null) throw new Error('no vNIC profile');
  return m[0];
}

function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** What a user would write by hand for one tiny guest on a bridge. */
function handWrittenDomain(name: string, uuid: string, bridge: string, ip: string): string {
  const guest = readTinyGuest();
  const type = readAccelerator() === 'kvm' ? 'kvm' : 'qemu';
  const cmdline = tinyGuestCmdline({ name, addresses: [{ nic: 'eth0', address: ip, prefix: 24 }] });
  return `<domain type="${type}"><name>${xmlEscape(name)}</name><uuid>${uuid}</uuid>
  <memory unit="MiB">192</memory><vcpu>1</vcpu>
  <os><type arch="x86_64" machine="pc">hvm</type><kernel>${xmlEscape(guest.kernelPath)}</kernel>
  <initrd>${xmlEscape(guest.initrdPath)}</initrd><cmdline>${xmlEscape(cmdline)}</cmdline></os>
  <devices><interface type="bridge"><source bridge="${xmlEscape(bridge)}"/><model type="virtio"/><mtu size="9000"/></interface>
  <serial type="pty"/><console type="pty"/></devices></domain>`;
}

/** The lab by hand: ip + virsh create; returns milliseconds. Everything is removed afterwards. */
export async function virshLab(): Promise<number> {
  const bridge = `${benchPrefix()}vlb`;
  const dir = await mkdtemp(join(tmpdir(), 'aio-bench-lab-'));
  const agent = createLocalHostAgent({ stateDir: dir });
  const uuids = [randomUUID(), randomUUID()];
  try {
    return await time(async () => {
      await run('ip', ['link', 'add', 'name', bridge, 'type', 'bridge']);
      await run('ip', ['link', 'set', 'dev', bridge, 'mtu', '9000', 'up']);
      for (const [i, uuid] of uuids.entries()) {
        const file = join(dir, `vm${i}.xml`);
        await writeFile(
          file,
          handWrittenDomain(`${benchPrefix()}h${i}`, uuid, bridge, `10.78.0.${i + 1}`),
        );
        await run('virsh', [...VIRSH, 'create', file]);
      }
      await pingFrom(await agent.domainConsole(uuids[0] ?? ''), '10.78.0.2');
      await pingFrom(await agent.domainConsole(uuids[1] ?? ''), '10.78.0.1');
    });
  } finally {
    for (const uuid of uuids) await run('virsh', [...VIRSH, 'destroy', uuid]).catch(() => '');
    await run('ip', ['link', 'del', 'dev', bridge]).catch(() => '');
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  }
}
