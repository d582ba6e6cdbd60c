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
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dir = process.argv[2];
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

async function main(): Promise<void> {
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
