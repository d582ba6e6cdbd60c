// SPDX-License-Identifier: Apache-2.0
/**
 * An OVN lab on simulated hosts, shared by test/multihost/ovn.test.ts and the OVN bench: an
 * engine on this machine (the OVN central: NB/SB DBs + northd), simulated hosts each with its
 * own libvirtd, OVS (userspace datapath), ovn-controller and host agent, enrolled with the
 * engine and reached over mutual TLS; every host made a chassis through its agent
 * (setupOvnChassis), the SB DB listening on the engine's underlay address only.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { spawn } from 'node-pty';

import { run } from '../../build/setup/exec';
import { connectRemoteHostAgent } from '../../libvirt/agent-server/client';
import type {
  ConsoleSession,
  DomainDesc,
  HostAgent,
  OvnChassisReport,
  RemoteHostAgent,
  RemoteHostTarget,
} from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { createEngine, type StartedEngine } from '../../main/engine/dispatch';
import { ADMIN } from '../fixtures/engine-harness';
import { GuestConsole } from '../support/guest-console';
import { createSimHost, createUnderlay, type SimHost, type Underlay } from './sim-hosts';

export interface OvnLabHost {
  readonly sim: SimHost;
  readonly id: string;
  /** The engine's own TLS connection to this host's agent. */
  readonly agent: RemoteHostAgent;
  chassis: OvnChassisReport | null;
}

export interface OvnLab {
  readonly underlay: Underlay;
  readonly engine: StartedEngine;
  /** The central's host layer (this machine's agent). */
  readonly central: HostAgent;
  readonly engineAddress: string;
  readonly hosts: OvnLabHost[];
  destroy(): Promise<void>;
}

/** Poll `check` until it returns a value (not null) or time runs out. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | null>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Bring up the lab: `names` simulated hosts, enrolled and made chassis. */
export async function createOvnLab(
  prefix: string,
  dir: string,
  names: readonly string[],
  mtu = 1500,
): Promise<OvnLab> {
  const octet = 16 + (parseInt(prefix.slice(2), 36) % 200);
  const underlay = await createUnderlay(prefix, octet, mtu);
  const engineAddress = `${underlay.net}.1`;
  await underlay.plug(null, `${prefix}a`, '', engineAddress);
  const sims: SimHost[] = [];
  const agents = new Map<string, RemoteHostAgent>();
  let engine: StartedEngine | null = null;
  const central = createLocalHostAgent({ stateDir: join(dir, 'local-host') });
  const destroy = async (): Promise<void> => {
    await engine?.close();
    for (const s of sims) await s.destroy();
    await underlay.destroy();
    await central.close();
  };
  try {
    // Hosts start in parallel: each is mostly waiting for its daemons.
    sims.push(
      ...(await Promise.all(
        names.map((n, i) =>
          createSimHost(prefix, underlay, n, `${underlay.net}.${i + 2}`, dir, { ovn: true }),
        ),
      )),
    );
    engine = await createEngine({
      dataDir: join(dir, 'engine'),
      hostAgent: central,
      adminPassword: 'secret',
      lockTimeoutMs: 5_000,
      hostEnrollmentListen: `${engineAddress}:0`,
      remoteHostCheckIntervalMs: 500,
      // Keep the engine's own connection to each agent: the test drives the host layer with it.
      connectRemoteHost: (target: RemoteHostTarget) => {
        const a = connectRemoteHostAgent(target);
        agents.set(target.hostId, a);
        return a;
      },
    });
    const e = engine;
    const hosts: OvnLabHost[] = [];
    for (const sim of sims) {
      const r = await e.invoke(ADMIN, 'AddHost', {
        name: `${prefix}-${sim.name}`,
        address: sim.address,
      });
      if (!r.ok) throw new Error(`AddHost: ${r.error.messages.join(' ')}`);
      const enroll = r.result;
      const started = await sim.startAgent({
        engine: enroll.engineAddress ?? '',
        token: enroll.token,
        caHash: enroll.caHash,
      });
      if (!started.serving) throw new Error(`agent of ${sim.name}: ${started.output}`);
      const id = enroll.host.id;
      await eventually(
        `host ${sim.name} up`,
        async () => {
          const h = await e.invoke(ADMIN, 'GetHostById', { id });
          return h.ok && h.result.status === 'up' ? true : null;
        },
        60_000,
      );
      const agent = agents.get(id);
      if (!agent) throw new Error(`the engine never connected to ${sim.name}`);
      hosts.push({ sim, id, agent, chassis: null });
    }
    // The SB DB answers on the underlay only; every host is a chassis with its underlay address.
    await central.setupOvnCentral?.(engineAddress);
    for (const h of hosts) {
      h.chassis =
        (await h.agent.setupOvnChassis?.({
          remote: `tcp:${engineAddress}:6642`,
          encapIp: h.sim.address,
        })) ?? null;
    }
    return { underlay, engine: e, central, engineAddress, hosts, destroy };
  } catch (error) {
    const chassis = await Promise.all(
      sims.map((sim) =>
        sim.exec('ovs-vsctl', ['get', 'open_vswitch', '.', 'external_ids:system-id']).then(
          (id) => id.trim().replace(/"/g, ''),
          () => '',
        ),
      ),
    );
    await destroy();
    await cleanOvnCentral(chassis);
    throw error;
  }
}

/** Forget the lab's OVN central state: SB connections we added and the hosts' chassis rows. */
export async function cleanOvnCentral(chassis: readonly string[]): Promise<void> {
  const ours = await run('ovn-sbctl', [
    '--bare',
    '--columns=_uuid',
    'find',
    'connection',
    'external_ids:aio-lab=sb',
  ]);
  for (const c of ours.stdout.split('\n').filter(Boolean)) {
    await run('ovn-sbctl', ['remove', 'sb_global', '.', 'connections', c.trim()]);
  }
  for (const c of chassis) if (c) await run('ovn-sbctl', ['--if-exists', 'chassis-del', c]);
}

/** A tiny guest on `host` with one NIC on OVN port `port` (DHCP or a static address). */
export function tinyOvnGuest(
  name: string,
  dir: string,
  nic: { readonly port: string; readonly mac: string; readonly mtu: number; readonly tap: string },
  address: { readonly address: string; readonly prefix: number } | 'dhcp',
): DomainDesc {
  return {
    uuid: randomUUID(),
    name,
    memoryMiB: 192,
    vcpus: 1,
    boot: {
      kind: 'tiny',
      addresses: [
        address === 'dhcp'
          ? { nic: 'eth0', bootProtocol: 'dhcp' }
          : { nic: 'eth0', address: address.address, prefix: address.prefix },
      ],
    },
    interfaces: [
      {
        mac: nic.mac,
        bridge: 'br-int',
        mtu: nic.mtu,
        model: 'virtio',
        tap: nic.tap,
        ovnPort: nic.port,
      },
    ],
    serialLogPath: join(dir, `${name}.serial.log`),
  };
}

/** A shell on a guest of a simulated host (`virsh console` run inside the host, in a pty). */
export async function simGuestConsole(sim: SimHost, domain: string): Promise<GuestConsole> {
  const pty = spawn(
    'nsenter',
    sim.nsenterArgs('virsh', ['-c', 'qemu:///system', 'console', domain, '--force']),
    {
      name: 'xterm',
      cols: 200,
      rows: 24,
      env: { ...process.env, LC_ALL: 'C' },
    },
  );
  let open = true;
  pty.onExit(() => (open = false));
  const session: ConsoleSession = {
    write: (d) => {
      if (open) pty.write(d);
    },
    onData: (l) => {
      const x = pty.onData(l);
      return () => {
        x.dispose();
      };
    },
    onExit: (l) => {
      const x = pty.onExit((e) => {
        l(e.exitCode);
      });
      return () => {
        x.dispose();
      };
    },
    resize: () => undefined,
    close: () => {
      if (open) pty.kill();
      open = false;
    },
  };
  return GuestConsole.open(session, 120_000);
}
