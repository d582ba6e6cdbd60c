// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15, must-show 5 (file side): invalid lab files get errors at the line, column and
 * field of the mistake — YAML syntax, the published JSON Schema (ajv), and the cross-reference
 * rules — and a valid file comes out with its defaults explicit. Also the pure planner.
 */
import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadLab } from '../../cli/lab/load';
import type { Lab } from '../../cli/lab/model';
import { desiredInitialization, planLab } from '../../cli/lab/plan';
import type { EngineState } from '../../cli/lab/state';

const errorsOf = (text: string): string[] => {
  const r = loadLab(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.message}`);
};

const GOOD = `lab: demo
networks:
  red:
    mtu: 9000
  blue:
    address_plan:
      cidr: 10.0.0.0/24
      dhcp: { start: 10.0.0.100, end: 10.0.0.199 }
      dns_domain: lab.internal
vms:
  a:
    template: tiny
    memory: 1GiB
    cpus: 2
    nics:
      - network: red
        address: 192.168.5.1/24
      - network: blue
        address: 10.0.0.10
    cloud_init: { user: lab, ssh_keys: ["ssh-ed25519 AAAA a@b"], script: "echo hi" }
  b:
    template: tiny
    nics: [{ network: blue }]
    depends_on: [a]
    start_delay: 5
`;

describe('lab file', () => {
  it('loads a valid file with defaults made explicit', () => {
    const r = loadLab(GOOD);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.lab.name).toBe('demo');
    expect(r.lab.cluster).toBe('Default');
    expect(r.lab.networks.map((n) => [n.name, n.mtu])).toEqual([
      ['red', 9000],
      ['blue', 1500],
    ]);
    const a = r.lab.vms[0];
    expect(a?.memoryBytes).toBe(1024 * 1024 * 1024);
    expect(a?.nics.map((n) => [n.name, n.network, n.address])).toEqual([
      ['nic1', 'red', { ip: '192.168.5.1', netmask: '255.255.255.0' }],
      ['nic2', 'blue', { ip: '10.0.0.10', netmask: '255.255.255.0' }],
    ]);
    const b = r.lab.vms[1];
    expect(b?.memoryBytes).toBe(256 * 1024 * 1024);
    expect(b?.dependsOn).toEqual(['a']);
    expect(b?.startDelaySeconds).toBe(5);
  });

  it('asks DHCP for a NIC without an address on a network with an address plan, only there', () => {
    const r = loadLab(GOOD.replace('        address: 192.168.5.1/24\n', ''));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const [a, b] = [r.lab.vms[0], r.lab.vms[1]];
    // a's red NIC has no address, but red has no address plan: no DHCP there.
    expect(a?.nics.map((n) => n.dhcp ?? false)).toEqual([false, false]);
    expect(b?.nics.map((n) => n.dhcp ?? false)).toEqual([true]);
    expect(b && desiredInitialization(b)).toEqual({
      sshKeys: [],
      addresses: [],
      dhcpNics: ['eth0'],
    });
  });

  it('points YAML syntax errors at their line', () => {
    expect(errorsOf('lab: x\nvms:\n  a: [\n')).toEqual([expect.stringMatching(/^4:1 : /)]);
    expect(errorsOf('lab: x\nnetworks: {}\nlab: y\n')).toEqual([
      expect.stringMatching(/^3:1 : Map keys must be unique/),
    ]);
  });

  it('points schema errors at the line, column and field', () => {
    const text = [
      'lab: demo', // 1
      'networks:', // 2
      '  red:', // 3
      '    mtu: 70000', // 4
      '    colour: blue', // 5
      '  this-name-is-far-too-long-for-a-bridge: {}', // 6
      'vms:', // 7
      '  a:', // 8
      '    template: tiny', // 9
      '    memory: 12TB', // 10
      '    nics:', // 11
      '      - address: 10.0.0.1/24', // 12
      'extra: 1', // 13
    ].join('\n');
    const errors = errorsOf(text);
    expect(errors).toContain('4:10 networks.red.mtu: must be <= 65520');
    expect(errors).toContain('5:5 networks.red.colour: unknown field');
    expect(errors).toContainEqual(
      expect.stringMatching(/^6:3 networks\.this-name-is-far-too-long-for-a-bridge: invalid name/),
    );
    expect(errors).toContainEqual(expect.stringMatching(/^10:13 vms\.a\.memory: must match/));
    expect(errors).toContain('12:9 vms.a.nics.0: missing required field "network"');
    expect(errors).toContain('13:1 extra: unknown field');
    expect(errorsOf('networks: {}\n')).toEqual(['1:1 : missing required field "lab"']);
  });

  it('checks references, addresses and start order after the schema', () => {
    const text = [
      'lab: demo', // 1
      'networks:', // 2
      '  blue:', // 3
      '    address_plan:', // 4
      '      cidr: 10.0.0.0/24', // 5
      '      gateway: 10.0.1.1', // 6
      '      dhcp: { start: 10.0.0.100, end: 10.0.0.199 }', // 7
      'vms:', // 8
      '  a:', // 9
      '    template: tiny', // 10
      '    nics:', // 11
      '      - network: green', // 12
      '      - network: blue', // 13
      '        address: 10.0.0.150', // 14
      '    depends_on: [b]', // 15
      '  b:', // 16
      '    image: debian.qcow2', // 17
      '    depends_on: [a, zz]', // 18
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      '6:16 networks.blue.address_plan.gateway: 10.0.1.1 is outside 10.0.0.0/24',
      '12:18 vms.a.nics.0.network: no network "green" in this lab',
      '14:18 vms.a.nics.1.address: 10.0.0.150 is inside the DHCP range 10.0.0.100–10.0.0.199',
      '15:17 vms.a.depends_on: start order has a cycle: a → b → a',
      '17:12 vms.b.image: images are not supported yet: use "template"',
      '18:21 vms.b.depends_on.1: no VM "zz" in this lab',
    ]);
  });

  it('refuses two VMs with one address on one network', () => {
    const text = `lab: d
networks: { n1: {} }
vms:
  a: { template: tiny, nics: [{ network: n1, address: 10.1.0.1/24 }] }
  b:
    template: tiny
    nics:
      - network: n1
        address: 10.1.0.1/24
`;
    expect(errorsOf(text)).toEqual(["9:18 vms.b.nics.0.address: 10.1.0.1 is already a's"]);
  });
});

describe('plan', () => {
  const lab = (): Lab => {
    const r = loadLab(GOOD);
    if (!r.ok) throw new Error('bad fixture');
    return r.lab;
  };
  const empty: EngineState = {
    clusterId: 'c1',
    labs: [{ id: 'l1', name: 'demo' }],
    templates: new Map([['tiny', 't1']]),
    networks: [],
    vms: [],
  };

  it('creates everything on an empty engine', () => {
    const plan = planLab(lab(), empty);
    expect(plan.conflicts).toEqual([]);
    expect(plan.items.map((i) => `${i.action} ${i.kind} ${i.name}`)).toEqual([
      'create network red',
      'create network blue',
      'create vm a',
      'create vm b',
    ]);
  });

  it('changes only the MTU that differs, removes what the lab owns but no longer declares, and never touches other labs', () => {
    const state: EngineState = {
      ...empty,
      networks: [
        {
          id: 'r',
          name: 'red',
          description: '',
          lab: 'demo',
          mtu: 1500,
          addressPlan: null,
          attached: true,
          profileId: 'pr',
        },
        {
          id: 'o',
          name: 'old',
          description: '',
          lab: 'demo',
          mtu: 1500,
          addressPlan: null,
          attached: true,
          profileId: 'po',
        },
        {
          id: 'x',
          name: 'other',
          description: '',
          lab: 'another',
          mtu: 1500,
          addressPlan: null,
          attached: true,
          profileId: 'px',
        },
      ],
    };
    const plan = planLab(lab(), state);
    const red = plan.items.find((i) => i.name === 'red');
    expect(red?.action).toBe('change');
    expect(red?.changes).toEqual(['mtu: 1500 → 9000']);
    expect(plan.items.find((i) => i.name === 'old')?.action).toBe('remove');
    expect(plan.items.some((i) => i.name === 'other')).toBe(false);
    const destroy = planLab(lab(), state, true);
    expect(destroy.items.map((i) => `${i.action} ${i.name}`)).toEqual(['remove red', 'remove old']);
  });

  it('leaves a VM without cloud-init in the file alone, and sees a cloud-init edit', () => {
    const l = lab();
    const b = l.vms[1];
    const a = l.vms[0];
    if (a === undefined || b === undefined) throw new Error('bad fixture');
    const vm = (name: string, withInit: boolean): EngineState['vms'][number] => ({
      id: name,
      name,
      description: '',
      lab: 'demo',
      templateId: 't1',
      cpus: name === 'a' ? 2 : 1,
      memoryBytes: name === 'a' ? 1024 * 1024 * 1024 : 256 * 1024 * 1024,
      status: 'down',
      nics: [],
      initialization: withInit ? { user: 'old', sshKeys: [], addresses: [] } : null,
    });
    const plan = planLab(
      { ...l, networks: [], vms: [a, { ...b, nics: [] }] },
      {
        ...empty,
        vms: [vm('a', true), vm('b', true)],
      },
    );
    expect(plan.items.find((i) => i.name === 'b')?.action).toBe('leave');
    const changeA = plan.items.find((i) => i.name === 'a');
    expect(changeA?.changes).toContain('cloud-init settings');
  });

  it('adopts a resource the first CLI step marked in its description, and creates the lab object', () => {
    const plan = planLab(lab(), {
      ...empty,
      labs: [],
      networks: [
        {
          id: 'r',
          name: 'red',
          description: 'aio-lab:demo',
          lab: null,
          mtu: 9000,
          addressPlan: null,
          attached: true,
          profileId: 'pr',
        },
      ],
    });
    expect(plan.labAction).toBe('create');
    const red = plan.items.find((i) => i.name === 'red');
    expect(red?.action).toBe('change');
    expect(red?.changes).toEqual(['description: "aio-lab:demo" → ""', 'tag with the lab']);
    expect(planLab(lab(), { ...empty, labs: [] }, true).labAction).toBe('leave');
    expect(planLab(lab(), empty, true).labAction).toBe('remove');
  });

  it('reports a name taken by something the lab does not own as a conflict', () => {
    const state: EngineState = {
      ...empty,
      templates: new Map(),
      networks: [
        {
          id: 'r',
          name: 'red',
          description: 'hand-made',
          lab: null,
          mtu: 9000,
          addressPlan: null,
          attached: true,
          profileId: 'pr',
        },
      ],
    };
    const plan = planLab(lab(), state);
    expect(plan.conflicts).toContain('network "red" already exists and belongs to no lab');
    expect(plan.conflicts).toContain('VM "a": no template "tiny" in the engine');
  });
});

describe('the example lab file', () => {
  it('is valid', () => {
    const text = readFileSync(
      new URL('../../cli/examples/two-networks.lab.yml', import.meta.url),
      'utf8',
    );
    const r = loadLab(text);
    expect(r.ok ? r.lab.vms.map((v) => v.name) : r.errors).toEqual(['router', 'client']);
  });
});
