// SPDX-License-Identifier: Apache-2.0
/**
 * Simulated hosts on one machine (issue 17): each host is its own network namespace with its
 * own libvirtd (private mount namespace, see ./host-root.ts) and its own host agent, joined by
 * an underlay: one Linux bridge in a namespace of its own with nothing on it but the hosts'
 * veth ends (no address, no IPv6, no physical NIC). The engine's machine (the local host,
 * "host A") joins the underlay too, from the root namespace.
 *
 * Names: every object starts with the run prefix (test/support/run-prefix.ts), so a run that
 * died is swept by the next one (`sweepSimHosts`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { run } from '../../build/setup/exec';

const REPO = resolve(import.meta.dirname, '../..');
const HOST_ROOT = join(import.meta.dirname, 'host-root.ts');
const AGENT_MAIN = join(REPO, 'libvirt/agent-server/main.ts');

const must0 = async (cmd: string, args: readonly string[]): Promise<string> => {
  const r = await run(cmd, args, { timeoutMs: 30_000 });
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
};

/** What simulated hosts with OVN need beyond {@link simHostsUnavailable}; null when all is there. */
export async function simOvnUnavailable(): Promise<string | null> {
  for (const tool of ['ovs-vsctl', 'ovn-controller', 'ovn-nbctl', 'ovn-sbctl']) {
    if ((await run('which', [tool])).code !== 0) return `${tool} is not installed (npm run setup)`;
  }
  if ((await run('ovn-nbctl', ['--timeout=5', 'show'])).code !== 0) {
    return 'the OVN central (northd, NB/SB) is not running (npm run setup)';
  }
  return null;
}

/** What this machine needs for simulated hosts; null when all is there, else why not. */
export async function simHostsUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'needs root (network and mount namespaces)';
  for (const tool of ['nsenter', 'unshare', 'libvirtd', 'virtlogd', 'virsh']) {
    if ((await run('which', [tool])).code !== 0) return `${tool} is not installed`;
  }
  return null;
}

/** Remove the namespaces and root-side veths of runs of `family` that are no longer alive. */
export async function sweepSimHosts(
  family: string,
  live: (prefix: string) => boolean,
): Promise<void> {
  const out = await run('ip', ['netns', 'list']);
  for (const line of out.stdout.split('\n')) {
    const ns = line.split(' ')[0] ?? '';
    const m = new RegExp(`^(${family}[0-9a-z]{3})-`).exec(ns);
    if (!m?.[1] || live(m[1])) continue;
    const pids = (await run('ip', ['netns', 'pids', ns])).stdout.split('\n').filter(Boolean);
    for (const p of pids) {
      try {
        process.kill(Number(p), 'SIGKILL');
      } catch {
        // gone
      }
    }
    await run('ip', ['netns', 'del', ns]);
  }
}

export interface Underlay {
  readonly ns: string;
  readonly bridge: string;
  /** `10.X.Y` of the underlay's /24. */
  readonly net: string;
  readonly mtu: number;
  /** Plug a veth into the bridge; `peerNs` null = the root namespace. Returns the peer end's name. */
  plug(peerNs: string | null, name: string, inside: string, address: string): Promise<string>;
  destroy(): Promise<void>;
}

/**
 * The underlay of run `prefix`: namespace `<prefix>-ul` with bridge `ul0`. `octet` picks the
 * /24 (10.233.<octet>.0/24) so parallel runs do not share addresses in the root namespace.
 */
export async function createUnderlay(prefix: string, octet: number, mtu = 1500): Promise<Underlay> {
  const ns = `${prefix}-ul`;
  await must0('ip', ['netns', 'add', ns]);
  await must0('ip', ['-n', ns, 'link', 'add', 'ul0', 'type', 'bridge']);
  // Nothing on the bridge itself: no IPv6 link-local, no address.
  await must0('ip', ['netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.ul0.disable_ipv6=1']);
  await must0('ip', ['-n', ns, 'link', 'set', 'ul0', 'mtu', String(mtu), 'up']);
  const rootVeths: string[] = [];
  let n = 0;
  return {
    ns,
    bridge: 'ul0',
    net: `10.233.${octet}`,
    mtu,
    async plug(peerNs, name, inside, address) {
      const port = `p${n++}`;
      // Both ends are made in the root namespace, then moved: names stay within 15 characters.
      const tmp = `${prefix}t${n}`;
      await must0('ip', [
        'link',
        'add',
        name,
        'mtu',
        String(mtu),
        'type',
        'veth',
        'peer',
        'name',
        tmp,
        'mtu',
        String(mtu),
      ]);
      await must0('ip', ['link', 'set', tmp, 'netns', ns]);
      await must0('ip', ['-n', ns, 'link', 'set', tmp, 'name', port]);
      await must0('ip', ['-n', ns, 'link', 'set', port, 'master', 'ul0', 'up']);
      if (peerNs === null) {
        rootVeths.push(name);
        await must0('ip', ['addr', 'add', `${address}/24`, 'dev', name]);
        await must0('ip', ['link', 'set', name, 'up']);
        return name;
      }
      await must0('ip', ['link', 'set', name, 'netns', peerNs]);
      await must0('ip', ['-n', peerNs, 'link', 'set', name, 'name', inside]);
      await must0('ip', ['-n', peerNs, 'addr', 'add', `${address}/24`, 'dev', inside]);
      await must0('ip', ['-n', peerNs, 'link', 'set', inside, 'up']);
      return inside;
    },
    async destroy() {
      for (const v of rootVeths) await run('ip', ['link', 'del', v]);
      await run('ip', ['netns', 'del', ns]);
    },
  };
}

/** A running process with its output so far. */
interface Proc {
  readonly child: ChildProcess;
  output: string;
  readonly exited: Promise<number | null>;
}

function start(cmd: string, args: readonly string[]): Proc {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const p: Proc = {
    child,
    output: '',
    exited: new Promise((res) => {
      child.once('exit', (code) => {
        res(code);
      });
    }),
  };
  child.stdout?.on('data', (d: Buffer) => (p.output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (p.output += d.toString()));
  return p;
}

/** Wait until `p` prints `marker` (resolves true) or exits first (resolves false). */
async function until(p: Proc, marker: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void p.exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (p.output.includes(marker)) return true;
    if (gone) return p.output.includes(marker);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no "${marker}" within ${timeoutMs} ms:\n${p.output}`);
}

export interface AgentRun {
  readonly pid: number;
  /** True when it serves; false when it exited (see `output`). */
  readonly serving: boolean;
  readonly output: string;
  readonly exitCode: number | null;
}

export interface SimHost {
  readonly name: string;
  readonly ns: string;
  readonly address: string;
  readonly dir: string;
  /** The agent's state directory (its key, certificate and network config). */
  readonly stateDir: string;
  /** Start the host agent (enrolling when `enroll` is given). */
  startAgent(enroll?: {
    readonly engine: string;
    readonly token: string;
    readonly caHash: string;
    readonly stateDir?: string;
  }): Promise<AgentRun>;
  /** SIGKILL the running agent (libvirtd stays up, as when only VDSM dies). */
  killAgent(): Promise<void>;
  /**
   * SIGSTOP / SIGCONT the running agent: a host that hangs keeps its TCP connection open and
   * simply stops answering (no reset tells the engine).
   */
  freezeAgent(frozen: boolean): void;
  /** Run a command inside the host (its network and mount namespaces). */
  exec(cmd: string, args: readonly string[]): Promise<string>;
  /** `nsenter` arguments that run `cmd args` inside the host (for spawn/pty, e.g. a console). */
  nsenterArgs(cmd: string, args: readonly string[]): string[];
  destroy(): Promise<void>;
}

/**
 * Host `name` of run `prefix` at `address` on the underlay: namespace `<prefix>-<name>`, NIC
 * `eth0` on the underlay, its own libvirtd. The agent is started separately.
 */
export async function createSimHost(
  prefix: string,
  underlay: Underlay,
  name: string,
  address: string,
  baseDir: string,
  /** `ovn`: the host also runs its own OVS (userspace datapath) and ovn-controller. */
  options: { readonly ovn?: boolean } = {},
): Promise<SimHost> {
  const ns = `${prefix}-${name}`;
  const dir = join(baseDir, name);
  mkdirSync(dir, { recursive: true });
  await must0('ip', ['netns', 'add', ns]);
  await must0('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  await underlay.plug(ns, `${prefix}${name}`, 'eth0', address);
  const root = start('ip', [
    'netns',
    'exec',
    ns,
    'unshare',
    '--mount',
    '--propagation',
    'private',
    process.execPath,
    '--import',
    'tsx',
    HOST_ROOT,
    join(dir, 'libvirt'),
    ...(options.ovn ? ['ovn'] : []),
  ]);
  if (!(await until(root, 'ready', 60_000))) {
    await run('ip', ['netns', 'del', ns]);
    throw new Error(`libvirtd of host ${name} did not start:\n${root.output}`);
  }
  const rootPid = root.child.pid ?? 0;
  const stateDir = join(dir, 'agent');
  let agent: Proc | null = null;
  const nsenter = (cmd: string, args: readonly string[]): string[] => [
    `--mount=/proc/${rootPid}/ns/mnt`,
    `--net=/run/netns/${ns}`,
    // Entering the mount namespace puts the process at `/`: tsx is found from the repository.
    `--wd=${REPO}`,
    cmd,
    ...args,
  ];
  const host: SimHost = {
    name,
    ns,
    address,
    dir,
    stateDir,
    async startAgent(enroll) {
      const args = [
        '--import',
        'tsx',
        AGENT_MAIN,
        '--state-dir',
        enroll?.stateDir ?? stateDir,
        '--listen',
        `${address}:54321`,
        ...(enroll
          ? // `--token=` form: a token starting with `-` is otherwise an ambiguous option value.
            ['--engine', enroll.engine, `--token=${enroll.token}`, '--ca-hash', enroll.caHash]
          : []),
      ];
      const p = start('nsenter', nsenter(process.execPath, args));
      const serving = await until(p, 'listening on', 60_000);
      if (serving) agent = p;
      else await p.exited;
      return {
        pid: p.child.pid ?? 0,
        serving,
        output: p.output,
        exitCode: p.child.exitCode,
      };
    },
    async killAgent() {
      const a = agent;
      agent = null;
      if (!a) return;
      a.child.kill('SIGCONT');
      a.child.kill('SIGKILL');
      await a.exited;
    },
    freezeAgent(frozen) {
      agent?.child.kill(frozen ? 'SIGSTOP' : 'SIGCONT');
    },
    exec: (cmd, args) => must0('nsenter', nsenter(cmd, args)),
    nsenterArgs: nsenter,
    async destroy() {
      await host.killAgent();
      root.child.kill('SIGTERM');
      await Promise.race([root.exited, new Promise((r) => setTimeout(r, 5_000))]);
      await run('ip', ['netns', 'del', ns]);
    },
  };
  return host;
}
