// SPDX-License-Identifier: Apache-2.0
/**
 * `initialization` (oVirt cloud-init) in the engine, against a real SQLite file and the
 * recording host agent (which validates seeds with the real pure rules): validation faults
 * that change nothing, the password stored but never read back (entity, events, database
 * JSON), the seed built and attached for disk VMs (stored, run once, `use_cloud_init=false`),
 * the same input on the tiny guest's command line, inheritance through templates, and the seed
 * removed with the VM or after a failed start. Real guests: cloud-init-guests.test.ts.
 */
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { type Conn, type Database, openDatabase } from '../../db/client';
import type { CloudInitSeedRequest, DomainDesc } from '../../libvirt/host-agent';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { HIDDEN_PASSWORD, type Initialization } from '../../main/contract/vms';
import {
  staticAddressesOf,
  vmInitialization,
} from '../../main/engine/commands/vm/vm-initialization';
import {
  addVmWithBootDisk,
  ADMIN,
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
  startHarness,
} from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
const CL = { name: 'Default' };
const DC = { name: 'Default' };
const GiB = 1024 ** 3;
const PASSWORD = 'S3cret-never-shown';
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl lab@aio';

eachRecordingHarness((s) => ({ h, agent } = s));

const full = (address = '10.50.0.5'): Initialization => ({
  hostName: 'web1.lab.internal',
  userName: 'lab',
  rootPassword: PASSWORD,
  authorizedSshKeys: KEY,
  regenerateSshKeys: true,
  timezone: 'Europe/Paris',
  dnsServers: '10.50.0.254 10.50.0.253',
  dnsSearch: 'lab.internal',
  customScript: 'runcmd:\n  - [touch, /tmp/x]\n',
  nicConfigurations: [
    {
      name: 'eth0',
      bootProtocol: 'static',
      ip: { address, netmask: '255.255.255.0', gateway: '10.50.0.1' },
      ipv6BootProtocol: 'static',
      ipv6: { address: 'fd00::5', netmask: '64' },
      onBoot: true,
    },
  ],
});

async function wired(vmId: string, name = 'nic1'): Promise<void> {
  let n = (await h.ok('GetAllNetworks', {})).find((x) => x.name === 'ci');
  if (!n) {
    n = await h.ok('AddNetwork', { name: 'ci', dataCenter: DC, isolated: true });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
  }
  const profile = must((await h.ok('GetVnicProfilesByNetworkId', { networkId: n.id }))[0]);
  await h.ok('AddVmInterface', { vmId, name, vnicProfileId: profile.id });
}

/** A down disk VM (Blank + one bootable disk) with a vNIC on an isolated network. */
async function diskVm(name: string, init?: Initialization): Promise<string> {
  const { vmId } = await addVmWithBootDisk(h, name, {
    sizeBytes: GiB,
    vm: init ? { initialization: init } : {},
  });
  await wired(vmId);
  return vmId;
}

/** The engine's database through a second connection (the engine-internal reads). */
function db(): Conn {
  const d = openDatabase(join(h.dir, 'engine.db'));
  opened.push(d);
  return d.db;
}
const opened: Database[] = [];
afterEach(() => {
  for (const d of opened.splice(0)) d.close();
});

const lastStart = (): DomainDesc =>
  must(agent.calls.filter((c) => c.method === 'domainStart').at(-1)).args[0] as DomainDesc;
const lastSeed = (): CloudInitSeedRequest => must([...agent.seeds.values()].at(-1));

describe('initialization is validated with clear faults, nothing stored', () => {
  const bad: [string, Partial<Initialization> & Record<string, unknown>, RegExp][] = [
    ['host name', { hostName: 'no spaces allowed' }, /hostName: must be a host name/],
    ['user name', { userName: 'Root!' }, /userName: must be a Linux user name/],
    ['ssh key', { authorizedSshKeys: 'not a key' }, /authorizedSshKeys: must be OpenSSH/],
    ['time zone', { timezone: 'Europe/../etc' }, /timezone: must be a time zone/],
    ['dns server', { dnsServers: '10.0.0.1 nameserver' }, /dnsServers: must be IP addresses/],
    ['dns search', { dnsSearch: 'a..b' }, /dnsSearch: must be domains/],
    [
      'static without address',
      { nicConfigurations: [{ name: 'eth0', bootProtocol: 'static' }] },
      /static needs a valid v4 address/,
    ],
    [
      'bad netmask',
      {
        nicConfigurations: [
          {
            name: 'eth0',
            bootProtocol: 'static',
            ip: { address: '10.0.0.1', netmask: '255.0.255.0' },
          },
        ],
      },
      /netmask 255.0.255.0 is not valid/,
    ],
    [
      'autoconf on IPv4',
      { nicConfigurations: [{ name: 'eth0', bootProtocol: 'autoconf' }] },
      /autoconf is for IPv6 only/,
    ],
    [
      'a NIC twice',
      {
        nicConfigurations: [
          { name: 'eth0', bootProtocol: 'dhcp' },
          { name: 'eth0', bootProtocol: 'none' },
        ],
      },
      /eth0 is given twice/,
    ],
    ['custom script', { customScript: '- a list\n- not a mapping\n' }, /must be a YAML mapping/],
    ['password on two lines', { rootPassword: `${PASSWORD}\nx` }, /rootPassword: must be one line/],
  ];
  it.each(bad)(
    'refuses a bad %s (INVALID_INPUT), without quoting the password',
    async (_w, init, message) => {
      const e = await expectRefused(
        h,
        agent,
        'AddVm',
        { name: 'v', cluster: CL, template: { name: 'tiny' }, initialization: init },
        'INVALID_INPUT',
        'BAD_PARAMETERS',
      );
      expect(e.messages.join(' ')).toMatch(message);
      expect(JSON.stringify(e)).not.toContain(PASSWORD);
      const events = await h.ok('GetEvents', {});
      expect(JSON.stringify(events)).not.toContain(PASSWORD);
    },
  );
});

describe('the password is stored but never read back', () => {
  it('masks it on reads, keeps it out of the initialization JSON and the events', async () => {
    const vm = await h.ok('AddVm', {
      name: 'web1',
      cluster: CL,
      template: { name: 'tiny' },
      initialization: full(),
    });
    expect(vm.initialization).toMatchObject({ ...full(), rootPassword: HIDDEN_PASSWORD });
    expect((await h.ok('GetVmById', { id: vm.id })).initialization?.rootPassword).toBe(
      HIDDEN_PASSWORD,
    );
    expect(JSON.stringify(await h.ok('GetAllVms', {}))).not.toContain(PASSWORD);
    expect(JSON.stringify(await h.ok('GetEvents', {}))).not.toContain(PASSWORD);
    const row = must(h.dump().vm)[0] as { initialization: string; init_root_password: string };
    expect(row.initialization).not.toContain(PASSWORD);
    expect(row.init_root_password).toBe(PASSWORD);
    // The engine itself (seed, segment leases) reads the real one.
    expect(vmInitialization(db(), vm.id)?.rootPassword).toBe(PASSWORD);

    // PUT back what was read (the mask): the password stays; empty clears it.
    await h.ok('UpdateVm', {
      id: vm.id,
      initialization: { ...full(), rootPassword: HIDDEN_PASSWORD },
    });
    expect(vmInitialization(db(), vm.id)?.rootPassword).toBe(PASSWORD);
    await h.ok('UpdateVm', { id: vm.id, initialization: { ...full(), rootPassword: 'new-one' } });
    expect(vmInitialization(db(), vm.id)?.rootPassword).toBe('new-one');
    await h.ok('UpdateVm', { id: vm.id, initialization: { ...full(), rootPassword: '' } });
    expect(vmInitialization(db(), vm.id)?.rootPassword).toBeUndefined();
    expect((await h.ok('GetVmById', { id: vm.id })).initialization?.rootPassword).toBeUndefined();
    await h.ok('UpdateVm', { id: vm.id, initialization: null });
    expect((await h.ok('GetVmById', { id: vm.id })).initialization).toBeNull();
  });
});

describe('delivery', () => {
  it('a disk VM boots with its seed as a CD-ROM; the seed has the stored initialization, password included', async () => {
    const id = await diskVm('web1', full());
    await h.ok('RunVm', { id });
    const nic = must((await h.ok('GetVmInterfaces', { vmId: id }))[0]);
    expect(lastSeed()).toEqual({
      vmId: id,
      initialization: full(),
      nics: [{ name: 'eth0', mac: nic.mac }],
    });
    expect(lastStart().cdroms).toEqual([{ path: `/fake/cloud-init/${id}.iso` }]);
    // The recorded call (what a log would show) carries no password.
    expect(JSON.stringify(agent.calls)).not.toContain(PASSWORD);
    expect(staticAddressesOf(db(), id)).toEqual([
      { nicId: nic.id, mac: nic.mac, address: '10.50.0.5' },
    ]);
  });

  it('run once: use_cloud_init with vm.initialization is used for that boot only; false means no seed', async () => {
    const id = await diskVm('web2', full());
    const once: Initialization = {
      nicConfigurations: [{ name: 'eth0', bootProtocol: 'dhcp' }],
      rootPassword: HIDDEN_PASSWORD,
    };
    await h.ok('RunVm', { id, useCloudInit: true, initialization: once });
    // The masked password in a run-once initialization means the stored one; the VM's name
    // is the guest's host name when none is given.
    expect(lastSeed().initialization).toEqual({
      nicConfigurations: [{ name: 'eth0', bootProtocol: 'dhcp' }],
      rootPassword: PASSWORD,
      hostName: 'web2',
    });
    expect((await h.ok('GetVmById', { id })).initialization).toMatchObject({
      hostName: 'web1.lab.internal',
    });
    await h.ok('StopVm', { id });
    const since = agent.calls.length;
    await h.ok('RunVm', { id, useCloudInit: false });
    expect(agent.methods(since)).toContain('removeCloudInitSeed');
    expect(agent.methods(since)).not.toContain('cloudInitSeed');
    expect(lastStart().cdroms).toBeUndefined();
  });

  it('refuses a NIC configuration that names no vNIC, before anything reaches the host', async () => {
    const id = await diskVm('web3', {
      nicConfigurations: [{ name: 'eth1', bootProtocol: 'dhcp' }],
    });
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id },
      'ACTION_TYPE_FAILED_NIC_CONFIGURATION_UNKNOWN_NIC',
      'BAD_PARAMETERS',
    );
    expect(agent.methods()).not.toContain('cloudInitSeed');
  });

  it('a failed seed build leaves the VM down and no domain; a failed start removes the seed', async () => {
    const id = await diskVm('web4', full());
    agent.failNext(
      'cloudInitSeed',
      new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'xorriso died'),
    );
    const e = await h.err('RunVm', { id });
    expect(e.code).toBe('HOST_COMMAND_FAILED');
    expect((await h.ok('GetVmById', { id })).status).toBe('down');
    expect(agent.domains.has(id)).toBe(false);
    expect(h.dump().command_intent).toHaveLength(0);

    agent.failNext('domainStart', new HostError(HostErrorCode.HYPERVISOR_ERROR, 'no start'));
    const since = agent.calls.length;
    await h.err('RunVm', { id });
    expect(agent.methods(since)).toEqual(['cloudInitSeed', 'domainStart', 'removeCloudInitSeed']);
    expect(agent.seeds.has(id)).toBe(false);
    expect((await h.ok('GetVmById', { id })).status).toBe('down');
  });

  it('the seed goes with the VM', async () => {
    const id = await diskVm('web5', full());
    await h.ok('RunVm', { id });
    await h.ok('StopVm', { id });
    await h.ok('RemoveVm', { id });
    expect(agent.methods()).toContain('removeCloudInitSeed');
    expect(agent.seeds.has(id)).toBe(false);
  });

  it('tiny takes the same input on its command line: static and dhcp', async () => {
    const vm = await h.ok('AddVm', {
      name: 't1',
      cluster: CL,
      template: { name: 'tiny' },
      initialization: {
        ...full(),
        nicConfigurations: [
          { name: 'eth0', bootProtocol: 'static', ip: { address: '10.50.0.7', netmask: '24' } },
          { name: 'eth1', bootProtocol: 'dhcp' },
        ],
      },
    });
    await wired(vm.id, 'nic1');
    await wired(vm.id, 'nic2');
    await h.ok('RunVm', { id: vm.id });
    expect(lastStart().boot).toEqual({
      kind: 'tiny',
      addresses: [
        { nic: 'eth0', address: '10.50.0.7', prefix: 24 },
        { nic: 'eth1', bootProtocol: 'dhcp' },
      ],
    });
    expect(agent.methods()).not.toContain('cloudInitSeed');
  });
});

describe('a start killed after the seed was built', () => {
  it('leaves no seed behind after the restart (it holds a password hash) and the VM down', async () => {
    const id = await diskVm('killed1', full());
    // The engine dies while the domain starts: the seed exists, the start never returns.
    const original = agent.domainStart.bind(agent);
    let release: () => void = () => undefined;
    agent.domainStart = () =>
      new Promise<never>((_resolve, reject) => {
        release = () => {
          reject(new Error('the engine was killed'));
        };
      });
    void h.engine.invoke(ADMIN, 'RunVm', { id }).catch(() => undefined);
    await expect.poll(() => agent.seeds.has(id)).toBe(true);
    agent.domainStart = original;
    const dead = h;
    h = await startHarness(agent, dead.dir);
    expect(agent.seeds.has(id)).toBe(false);
    expect((await h.ok('GetVmById', { id })).status).toBe('down');
    release();
    await dead.close().catch(() => undefined);
  });
});

describe('templates', () => {
  it('a template copies the VM initialization (password too); its VMs inherit it', async () => {
    const id = await diskVm('src', full('10.50.0.9'));
    const t = await h.ok('AddVmTemplate', { name: 'web-t', vm: { id } });
    expect(t.initialization).toMatchObject({
      hostName: 'web1.lab.internal',
      rootPassword: HIDDEN_PASSWORD,
    });
    for (let i = 0; i < 200 && (await h.ok('GetTemplateById', { id: t.id })).status !== 'ok'; i++)
      await new Promise((r) => setTimeout(r, 10));
    const vm = await h.ok('AddVm', { name: 'child', cluster: CL, template: { id: t.id } });
    expect(vm.initialization).toMatchObject({
      timezone: 'Europe/Paris',
      rootPassword: HIDDEN_PASSWORD,
    });
    expect(vmInitialization(db(), vm.id)).toEqual(full('10.50.0.9'));
    // A VM given its own initialization keeps it (the template's password when it gives none).
    const own = await h.ok('AddVm', {
      name: 'child2',
      cluster: CL,
      template: { id: t.id },
      initialization: { hostName: 'other', nicConfigurations: [] },
    });
    expect(vmInitialization(db(), own.id)).toEqual({
      hostName: 'other',
      nicConfigurations: [],
      rootPassword: PASSWORD,
    });
  });
});
