// SPDX-License-Identifier: Apache-2.0
/**
 * Steps (issue 17): Open vSwitch and OVN, the engine of networks that span hosts. Installs
 * Debian's `openvswitch-switch`, `ovn-central` and `ovn-host`, then makes sure they run:
 * through systemd where it runs them, otherwise with the packages' own scripts (`ovs-ctl`,
 * `ovn-ctl`), never restarting a running daemon (other sessions use it).
 *
 * Where the OVS kernel module is missing (as on these machines), OVS runs with the userspace
 * datapath: `external_ids:ovn-bridge-datapath-type=netdev` makes ovn-controller create its
 * integration bridge `br-int` that way. `ovn-encap-ip` (the underlay address Geneve tunnels
 * use) is the admin's choice and is set by the engine per host, not here.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { rootPrefix, run, runInherit, runOk } from './exec';
import { systemdRuns } from './libvirt-host';
import { missingPackages } from './packages';
import { ExitCode, SetupError, type SetupStep } from './step';

const debianMjs = join(dirname(fileURLToPath(import.meta.url)), '..', 'debian.mjs');

export const OVN_PACKAGES = ['openvswitch-switch', 'ovn-central', 'ovn-host'] as const;

/** Exit code of setup when OVS/OVN cannot be started (after ./step.ts's codes). */
export const OVN_EXIT_CODE = 9;

const OVS_CTL = '/usr/share/openvswitch/scripts/ovs-ctl';
const OVN_CTL = '/usr/share/ovn/scripts/ovn-ctl';

/** The local chassis settings setup owns (the engine adds `ovn-encap-ip` per host). */
export const OVN_EXTERNAL_IDS: Readonly<Record<string, string>> = {
  'ovn-remote': 'unix:/var/run/ovn/ovnsb_db.sock',
  'ovn-encap-type': 'geneve',
  'ovn-bridge-datapath-type': 'netdev',
};

async function asRoot(cmd: string, args: readonly string[], timeoutMs = 60_000): Promise<string> {
  const prefix = rootPrefix();
  if (prefix === null)
    throw new SetupError(
      `${cmd} ${args.join(' ')} needs root: run setup as root or give this user password-less sudo.`,
      ExitCode.NO_PRIVILEGES,
    );
  const [bin, ...rest] = [...prefix, cmd, ...args];
  return runOk(bin ?? cmd, rest, { timeoutMs });
}

/** Is the daemon of this pid file alive (pid file names a live process called `name`)? */
export function pidAlive(name: string, pidFile: string): boolean {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    // /proc/<pid>/comm is cut at 15 characters.
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === name.slice(0, 15);
  } catch {
    return false;
  }
}

/** Installs whatever of {@link OVN_PACKAGES} is missing. */
export function ovnPackagesStep(): SetupStep {
  return {
    name: 'Open vSwitch / OVN packages',
    exitCode: ExitCode.APT_FAILED,
    async run(log) {
      const missing = await missingPackages(OVN_PACKAGES);
      if (!missing.length) return { changed: false };
      log(`installing ${missing.join(' ')}`);
      const code = await runInherit(process.execPath, [debianMjs, 'install', ...missing]);
      if (code !== 0) throw new SetupError(`could not install ${missing.join(' ')}`, code);
      return { changed: true, note: `installed ${missing.join(' ')}` };
    },
  };
}

/** `external_ids` keys of {@link OVN_EXTERNAL_IDS} whose value differs in `ovs-vsctl` output. */
export function externalIdsToSet(current: Readonly<Record<string, string>>): string[] {
  return Object.entries(OVN_EXTERNAL_IDS)
    .filter(([k, v]) => current[k] !== v)
    .map(([k]) => k);
}

/** Parses `ovs-vsctl --format=json get open_vswitch . external_ids` ({k=v, …} map syntax). */
export function parseExternalIds(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = text.trim().replace(/^\{|\}$/g, '');
  for (const m of body.matchAll(/([\w-]+)=("(?:[^"\\]|\\.)*"|[^,\s]*)/g)) {
    const key = m[1];
    const raw = m[2] ?? '';
    if (key) out[key] = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
  }
  return out;
}

/**
 * ovsdb-server + ovs-vswitchd (userspace datapath), the OVN databases + ovn-northd, and
 * ovn-controller with the local chassis settings.
 */
export function ovnDaemonsStep(): SetupStep {
  return {
    name: 'Open vSwitch / OVN daemons',
    exitCode: OVN_EXIT_CODE,
    async run(log) {
      const started: string[] = [];
      if (systemdRuns()) {
        for (const unit of ['openvswitch-switch', 'ovn-central', 'ovn-host']) {
          if ((await run('systemctl', ['is-active', '--quiet', `${unit}.service`])).code !== 0) {
            await asRoot('systemctl', ['start', `${unit}.service`]);
            started.push(unit);
          }
        }
      } else {
        const ovsUp =
          pidAlive('ovsdb-server', '/var/run/openvswitch/ovsdb-server.pid') &&
          pidAlive('ovs-vswitchd', '/var/run/openvswitch/ovs-vswitchd.pid');
        if (!ovsUp) {
          // --no-mlockall: vswitchd would otherwise lock all its memory on a small machine.
          // ovs-ctl skips modprobe where modules cannot load; bridges then use `netdev`.
          // --system-id=random keeps /etc/openvswitch/system-id.conf once written (without it
          // ovs-ctl blanks the system id, which is the OVN chassis name).
          await asRoot(OVS_CTL, ['start', '--no-mlockall', '--system-id=random']);
          started.push('ovsdb-server', 'ovs-vswitchd');
        }
        if (!pidAlive('ovn-northd', '/var/run/ovn/ovn-northd.pid')) {
          await asRoot(OVN_CTL, ['start_northd']);
          started.push('ovn-northd (+ NB/SB databases)');
        }
      }
      const current = parseExternalIds(
        await runOk('ovs-vsctl', ['--timeout=10', 'get', 'open_vswitch', '.', 'external_ids']),
      );
      const toSet = externalIdsToSet(current);
      if (toSet.length) {
        await asRoot('ovs-vsctl', [
          '--timeout=10',
          'set',
          'open_vswitch',
          '.',
          ...toSet.map((k) => `external_ids:${k}=${OVN_EXTERNAL_IDS[k] ?? ''}`),
        ]);
        log(`set ${toSet.join(', ')}`);
      }
      if (!systemdRuns() && !pidAlive('ovn-controller', '/var/run/ovn/ovn-controller.pid')) {
        await asRoot(OVN_CTL, ['start_controller']);
        started.push('ovn-controller');
      }
      // Both databases answer, or setup says so now rather than the first OVN network later.
      const nb = await run('ovn-nbctl', ['--timeout=10', 'show']);
      const sb = await run('ovn-sbctl', ['--timeout=10', 'show']);
      if (nb.code !== 0 || sb.code !== 0)
        throw new SetupError(
          `OVN databases do not answer: ${(nb.stderr || sb.stderr).trim()}`,
          OVN_EXIT_CODE,
        );
      const version = /ovs_version: "([^"]+)"/.exec(
        await runOk('ovs-vsctl', ['--timeout=10', 'show']),
      )?.[1];
      const note = `OVS ${version ?? '?'}, userspace datapath`;
      return started.length || toSet.length
        ? { changed: true, note: `started ${started.join(', ') || 'nothing'}; ${note}` }
        : { changed: false, note };
    },
  };
}
