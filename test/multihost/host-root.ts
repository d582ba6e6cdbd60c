// SPDX-License-Identifier: Apache-2.0
/**
 * The "machine" of a simulated host: run inside the host's network namespace *and* a private
 * mount namespace (`ip netns exec NS unshare --mount --propagation private node … host-root.ts
 * DIR`). It mounts private copies of libvirt's runtime, state, log, cache and domain-config
 * directories over the system paths (libvirtd's paths are compiled in: a second system
 * libvirtd needs its own /run/libvirt, /var/lib/libvirt, …), starts that host's own virtlogd
 * and libvirtd, prints `ready` once `virsh version` answers, and stays alive holding the mount
 * namespace, which the host agent then joins (`nsenter --mount=/proc/PID/ns/mnt`).
 * SIGTERM stops both daemons.
 *
 * With a second argument `ovn` (issue 17, OVN networks) it also runs that host's own Open
 * vSwitch (userspace datapath: no kernel module here) and ovn-controller, on private copies of
 * their directories: own conf.db, own system-id = own chassis. `ovn-remote`/`ovn-encap-ip` are
 * left unset: the engine sets them through the host agent (setupOvnChassis).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = process.argv[2];
const withOvn = process.argv[3] === 'ovn';
if (!dir) {
  process.stderr.write('usage: host-root.ts DIR\n');
  process.exit(2);
}

/** System path → this host's private directory under DIR. */
const PRIVATE: readonly (readonly [string, string])[] = [
  ['/var/lib/libvirt', 'lib'],
  ['/var/log/libvirt', 'log'],
  ['/var/cache/libvirt', 'cache'],
  // Persistent domain definitions of the machine's libvirtd must not show up on this host.
  ['/etc/libvirt/qemu', 'etc-qemu'],
];

/** Open vSwitch and OVN directories, private per simulated host when it runs OVN. */
const OVN_PRIVATE: readonly (readonly [string, string])[] = [
  ['/etc/openvswitch', 'ovs-etc'],
  ['/var/run/openvswitch', 'ovs-run'],
  ['/var/log/openvswitch', 'ovs-log'],
  ['/var/lib/openvswitch', 'ovs-lib'],
  ['/var/run/ovn', 'ovn-run'],
  ['/var/lib/ovn', 'ovn-lib'],
  ['/var/log/ovn', 'ovn-log'],
];
const OVS_CTL = '/usr/share/openvswitch/scripts/ovs-ctl';
const OVN_CTL = '/usr/share/ovn/scripts/ovn-ctl';

async function startOvn(): Promise<void> {
  for (const [system, mine] of OVN_PRIVATE) {
    const source = join(dir as string, mine);
    mkdirSync(source, { recursive: true });
    mkdirSync(system, { recursive: true });
    await run('mount', ['--bind', source, system]);
  }
  // --system-id=random: without it ovs-ctl blanks the id, which is the chassis name.
  await run(OVS_CTL, ['start', '--no-ovs-vswitchd', '--no-mlockall', '--system-id=random'], {
    timeout: 60_000,
  });
  await run('ovs-vsctl', [
    '--timeout=10',
    // ovs-vswitchd is not running yet: do not wait for it to take the change.
    '--no-wait',
    'set',
    'open_vswitch',
    '.',
    'external_ids:ovn-encap-type=geneve',
    'external_ids:ovn-bridge-datapath-type=netdev',
    // veths and taps hand the userspace datapath TSO/GRO frames larger than the MTU, which it
    // drops ("Too big") unless it takes them as such (read once at ovs-vswitchd start).
    'other_config:userspace-tso-enable=true',
  ]);
  await run(OVS_CTL, ['start', '--no-ovsdb-server', '--no-mlockall'], { timeout: 60_000 });
  await underlayOnOvsBridge('eth0', 'br-ul');
  await run(OVN_CTL, ['start_controller'], { timeout: 60_000 });
}

/**
 * Host preparation for the userspace datapath: its Geneve endpoint must be the LOCAL port of
 * an OVS bridge that holds the physical NIC (OVS "userspace tunneling": the datapath itself
 * routes, ARPs and sends the encapsulated packets). So the underlay NIC becomes a port of
 * `bridge` and its addresses and MAC move to the bridge, as an administrator does once on such
 * a host (with the kernel module none of this is needed).
 */
async function underlayOnOvsBridge(nic: string, bridge: string): Promise<void> {
  const [link] = JSON.parse((await run('ip', ['-json', 'addr', 'show', 'dev', nic])).stdout) as {
    address: string;
    mtu: number;
    addr_info: { family: string; local: string; prefixlen: number; scope: string }[];
  }[];
  if (!link) throw new Error(`no ${nic}`);
  await run('ovs-vsctl', [
    '--timeout=10',
    'add-br',
    bridge,
    '--',
    'set',
    'bridge',
    bridge,
    'datapath_type=netdev',
    `other_config:hwaddr=${link.address}`,
    '--',
    'add-port',
    bridge,
    nic,
  ]);
  for (const a of link.addr_info.filter((x) => x.family === 'inet')) {
    await run('ip', ['addr', 'del', `${a.local}/${a.prefixlen}`, 'dev', nic]);
    await run('ip', ['addr', 'add', `${a.local}/${a.prefixlen}`, 'dev', bridge]);
  }
  await run('ip', ['link', 'set', bridge, 'mtu', String(link.mtu), 'up']);
}

function stopOvn(): void {
  if (!withOvn) return;
  for (const pidFile of [
    '/var/run/ovn/ovn-controller.pid',
    '/var/run/openvswitch/ovs-vswitchd.pid',
    '/var/run/openvswitch/ovsdb-server.pid',
  ]) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    } catch {
      // not running
    }
  }
}

async function main(): Promise<void> {
  if (withOvn) await startOvn();
  await run('mount', ['-t', 'tmpfs', '-o', 'mode=0755', 'tmpfs', '/run/libvirt']);
  for (const [system, mine] of PRIVATE) {
    const source = join(dir as string, mine);
    mkdirSync(source, { recursive: true });
    mkdirSync(system, { recursive: true });
    await run('mount', ['--bind', source, system]);
  }
  mkdirSync('/var/lib/libvirt/qemu', { recursive: true });
  mkdirSync('/var/log/libvirt/qemu', { recursive: true });
  await run('virtlogd', ['-d', '-p', '/run/libvirt/virtlogd.pid']);
  await run('libvirtd', ['-d', '-p', '/run/libvirt/libvirtd.pid']);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await run('virsh', ['-c', 'qemu:///system', 'version'], { timeout: 10_000 });
      break;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  process.stdout.write('ready\n');
}

function stopDaemons(): void {
  stopOvn();
  for (const pidFile of ['/run/libvirt/libvirtd.pid', '/run/libvirt/virtlogd.pid']) {
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
    } catch {
      // not running
    }
  }
}

process.once('SIGTERM', () => {
  stopDaemons();
  // Give libvirtd a moment to exit before the namespace goes with this process.
  setTimeout(() => process.exit(0), 500);
});
main().then(
  () => {
    // Hold the mount namespace until told to stop.
    setInterval(() => undefined, 60_000);
  },
  (e: unknown) => {
    process.stderr.write(`host-root: ${e instanceof Error ? e.message : String(e)}\n`);
    stopDaemons();
    process.exit(1);
  },
);
