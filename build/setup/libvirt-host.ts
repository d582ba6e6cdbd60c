// SPDX-License-Identifier: Apache-2.0
// Steps that prepare libvirt: accounts, qemu.conf and the log directory, the daemons.
// Facts behind each choice: ../shared/ENVIRONMENT.md (libvirtd without systemd).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { rootPrefix, run, runOk } from './exec';
import { ExitCode, SetupError, type SetupStep } from './step';

const QEMU_CONF = '/etc/libvirt/qemu.conf';
const LOG_DIR = '/var/log/libvirt';
const LIBVIRT_URI = 'qemu:///system';

/** Runs a command as root (directly, or through `sudo -n`). */
async function asRoot(cmd: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  const prefix = rootPrefix();
  if (prefix === null) {
    throw new SetupError(
      `${cmd} ${args.join(' ')} needs root: run setup as root or give this user password-less sudo.`,
      ExitCode.NO_PRIVILEGES,
    );
  }
  const [bin, ...rest] = [...prefix, cmd, ...args];
  return runOk(bin ?? cmd, rest, { timeoutMs });
}

/** True when systemd is the service manager (its runtime directory exists). */
export function systemdRuns(): boolean {
  return existsSync('/run/systemd/system');
}

// ── accounts ─────────────────────────────────────────────────────────────────────────────

async function exists(db: 'group' | 'passwd', name: string): Promise<boolean> {
  return (await run('getent', [db, name])).code === 0;
}

/**
 * Groups `kvm`, `libvirt-qemu` and the system user `libvirt-qemu`: libvirtd refuses to start
 * its QEMU driver when that user is missing, even though qemu.conf runs QEMU as root.
 */
export function accountsStep(): SetupStep {
  return {
    name: 'libvirt users and groups',
    exitCode: ExitCode.LIBVIRT,
    async run() {
      const made: string[] = [];
      for (const group of ['kvm', 'libvirt-qemu']) {
        if (await exists('group', group)) continue;
        await asRoot('groupadd', ['--system', group]);
        made.push(`group ${group}`);
      }
      if (!(await exists('passwd', 'libvirt-qemu'))) {
        await asRoot('useradd', [
          '--system',
          '--gid',
          'libvirt-qemu',
          '--groups',
          'kvm',
          '--home-dir',
          '/var/lib/libvirt',
          '--no-create-home',
          '--shell',
          '/usr/sbin/nologin',
          'libvirt-qemu',
        ]);
        made.push('user libvirt-qemu');
      }
      return made.length
        ? { changed: true, note: `created ${made.join(', ')}` }
        : { changed: false };
    },
  };
}

// ── qemu.conf ────────────────────────────────────────────────────────────────────────────

/** The settings we need; everything else keeps libvirt's defaults. */
export const QEMU_CONF_SETTINGS: Readonly<Record<string, string>> = {
  user: '"root"',
  group: '"root"',
  security_driver: '"none"',
  cgroup_controllers: '[ ]',
  remember_owner: '0',
};

/** Our qemu.conf, with the reasons. */
export function qemuConfText(): string {
  return [
    '# Written by `npm run setup` (AIO Lab); rewritten only when these settings differ.',
    '# Minimal settings for a host where libvirtd runs without systemd (often a VM or container):',
    "# - user/group root: QEMU reads the demo guest from the invoking user's cache directory and",
    '#   writes serial logs where the host layer asks, with no per-file relabelling;',
    '# - security_driver none: no AppArmor/SELinux profiles are loaded for guests here;',
    '# - cgroup_controllers empty: without systemd there is no delegated cgroup tree to use;',
    '# - remember_owner 0: with no relabelling there is no owner to remember (needs xattrs).',
    ...Object.entries(QEMU_CONF_SETTINGS).map(([key, value]) => `${key} = ${value}`),
    '',
  ].join('\n');
}

/**
 * Parses the settings of a libvirt config file (`key = value` lines; comments and blank lines
 * ignored; whitespace inside values normalised so `[ ]` equals `[]`).
 */
export function parseLibvirtConf(text: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    settings[line.slice(0, eq).trim()] = line.slice(eq + 1).replace(/\s+/g, '');
  }
  return settings;
}

/** True when every setting we need is present with our value (other settings are tolerated). */
export function qemuConfSatisfies(text: string): boolean {
  const have = parseLibvirtConf(text);
  return Object.entries(QEMU_CONF_SETTINGS).every(
    ([key, value]) => have[key] === value.replace(/\s+/g, ''),
  );
}

/** Does systemd know a libvirtd unit (i.e. the distro's libvirt-daemon-system is installed)? */
async function systemdHasLibvirtd(): Promise<boolean> {
  return systemdRuns() && (await run('systemctl', ['cat', 'libvirtd.service'])).code === 0;
}

/**
 * Writes /etc/libvirt/qemu.conf when it lacks our settings, and creates /var/log/libvirt
 * (libvirtd exits without it). Where systemd runs the distro's libvirtd, its qemu.conf (with
 * working security drivers and cgroups) is left alone.
 */
export function qemuConfStep(): SetupStep {
  return {
    name: 'libvirt qemu.conf and log directory',
    exitCode: ExitCode.LIBVIRT,
    async run() {
      const changes: string[] = [];
      if (!existsSync(LOG_DIR)) {
        if (process.getuid?.() === 0) mkdirSync(LOG_DIR, { recursive: true, mode: 0o700 });
        else await asRoot('mkdir', ['-p', '-m', '0700', LOG_DIR]);
        changes.push(`created ${LOG_DIR}`);
      }
      const current = existsSync(QEMU_CONF) ? readFileSync(QEMU_CONF, 'utf8') : null;
      const distroManaged =
        current !== null && !current.includes('npm run setup') && (await systemdHasLibvirtd());
      if (current !== null && (qemuConfSatisfies(current) || distroManaged)) {
        return changes.length
          ? { changed: true, note: changes.join(', ') }
          : { changed: false, note: distroManaged ? "kept the distribution's qemu.conf" : '' };
      }
      const staging = mkdtempSync(join(tmpdir(), 'aio-setup-'));
      try {
        const file = join(staging, 'qemu.conf');
        writeFileSync(file, qemuConfText());
        await asRoot('mkdir', ['-p', '/etc/libvirt']);
        if (current !== null) await asRoot('cp', ['-p', QEMU_CONF, `${QEMU_CONF}.aio-orig`]);
        await asRoot('install', ['-m', '0644', file, QEMU_CONF]);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      changes.push(
        current === null ? `wrote ${QEMU_CONF}` : `rewrote ${QEMU_CONF} (old one: .aio-orig)`,
      );
      // Never restarted for it: other sessions may have guests running under that daemon.
      if (daemonRunning('libvirtd', '/run/libvirtd.pid', '/run/libvirt/libvirt-sock')) {
        changes.push('libvirtd was already running: restart it to apply');
      }
      return { changed: true, note: changes.join(', ') };
    },
  };
}

// ── daemons ──────────────────────────────────────────────────────────────────────────────

/** Is the daemon of this pid file alive, with its socket in place? */
function daemonRunning(name: string, pidFile: string, socket: string): boolean {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return false;
    // A stale pid file may name a recycled pid: check the process name too.
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === name && existsSync(socket);
  } catch {
    return false;
  }
}

/** Polls `virsh -c qemu:///system version` until it answers or the time is up. */
export async function waitForLibvirt(timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const r = await run('virsh', ['-c', LIBVIRT_URI, 'version'], { timeoutMs: 10_000 });
    if (r.code === 0) return /Running hypervisor: (.*)/.exec(r.stdout)?.[1]?.trim() ?? 'up';
    last = (r.stderr || r.stdout).trim();
    if (Date.now() > deadline) {
      throw new SetupError(
        `libvirt did not answer \`virsh -c ${LIBVIRT_URI} version\` within ${timeoutMs / 1000} s: ${last}`,
        ExitCode.LIBVIRT,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Makes sure virtlogd and libvirtd run: through systemd when it manages them, otherwise by
 * starting `virtlogd -d` and `libvirtd -d` when their pid file and socket say they are not
 * running (never restarting a running daemon: other sessions use it). Then waits until
 * `virsh -c qemu:///system version` answers.
 */
export function daemonsStep(): SetupStep {
  return {
    name: 'libvirt daemons',
    exitCode: ExitCode.LIBVIRT,
    async run(log) {
      const started: string[] = [];
      if (await systemdHasLibvirtd()) {
        if ((await run('systemctl', ['is-active', '--quiet', 'libvirtd.service'])).code !== 0) {
          await asRoot('systemctl', ['start', 'libvirtd.service'], 60_000);
          started.push('libvirtd.service');
        }
      } else {
        if (!daemonRunning('virtlogd', '/run/virtlogd.pid', '/run/libvirt/virtlogd-sock')) {
          await asRoot('virtlogd', ['-d']);
          started.push('virtlogd');
        }
        if (!daemonRunning('libvirtd', '/run/libvirtd.pid', '/run/libvirt/libvirt-sock')) {
          await asRoot('libvirtd', ['-d']);
          started.push('libvirtd');
        }
      }
      if (started.length) log(`started ${started.join(', ')}; waiting for libvirt`);
      const hypervisor = await waitForLibvirt(30_000);
      return started.length
        ? { changed: true, note: `started ${started.join(', ')} (${hypervisor})` }
        : { changed: false, note: hypervisor };
    },
  };
}

// ── libvirt's firewall chains ────────────────────────────────────────────────────────────

/**
 * The private chains libvirt's network driver jumps to (src/network/network_iptables.c:
 * iptablesSetupPrivateChains), per table, as [parent chain, libvirt chain] in libvirt's
 * insertion order.
 */
export const LIBVIRT_CHAINS: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  filter: [
    ['INPUT', 'LIBVIRT_INP'],
    ['OUTPUT', 'LIBVIRT_OUT'],
    ['FORWARD', 'LIBVIRT_FWO'],
    ['FORWARD', 'LIBVIRT_FWI'],
    ['FORWARD', 'LIBVIRT_FWX'],
  ],
  nat: [['POSTROUTING', 'LIBVIRT_PRT']],
  mangle: [['POSTROUTING', 'LIBVIRT_PRT']],
};

/**
 * The iptables commands (without the binary) that add what is missing of libvirt's chains,
 * given `iptables -S` of each table.
 */
export function missingChainCommands(rulesByTable: Readonly<Record<string, string>>): string[][] {
  const commands: string[][] = [];
  for (const [table, chains] of Object.entries(LIBVIRT_CHAINS)) {
    const rules = new Set((rulesByTable[table] ?? '').split('\n').map((l) => l.trim()));
    for (const [parent, chain] of chains) {
      if (!rules.has(`-N ${chain}`)) commands.push(['-w', '-t', table, '-N', chain]);
      if (!rules.has(`-A ${parent} -j ${chain}`)) {
        commands.push(['-w', '-t', table, '-I', parent, '-j', chain]);
      }
    }
  }
  return commands;
}

/**
 * libvirt creates its private firewall chains once per daemon life, on the first network
 * start. When iptables was installed after libvirtd started (e.g. by a later `apt-get`), that
 * one attempt fails and every later `virsh net-start` fails with "No chain/target/match".
 * Creating the same chains ourselves is what libvirt would have done, and repairs a running
 * daemon without restarting it. Only where we run libvirtd ourselves (no systemd unit).
 */
export function firewallChainsStep(): SetupStep {
  return {
    name: 'libvirt firewall chains',
    exitCode: ExitCode.LIBVIRT,
    async run() {
      if (await systemdHasLibvirtd()) return { changed: false, note: 'managed by the distro' };
      if (!existsSync('/usr/sbin/iptables')) return { changed: false, note: 'no iptables here' };
      const added: string[] = [];
      for (const bin of ['iptables', 'ip6tables']) {
        if (!existsSync(`/usr/sbin/${bin}`)) continue;
        const rules: Record<string, string> = {};
        for (const table of Object.keys(LIBVIRT_CHAINS)) {
          const r = await run(bin, ['-w', '-t', table, '-S']);
          // A table the kernel does not offer is not ours to fix.
          if (r.code === 0) rules[table] = r.stdout;
        }
        for (const command of missingChainCommands(rules)) {
          if (rules[command[2] ?? ''] === undefined) continue;
          await asRoot(bin, command);
          added.push(`${bin} ${command.slice(1).join(' ')}`);
        }
      }
      return added.length
        ? { changed: true, note: `added ${added.length} rules/chains` }
        : { changed: false };
    },
  };
}
