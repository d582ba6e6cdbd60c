// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import type { CloudInitSeedRequest } from '../host-agent';
import { cdromElements } from './cdrom-xml';
import { ipv4Prefix } from './nic-config';
import { instanceIdFor, renderSeedFiles, seedProblems } from './seed-files';
import { tinyAddressesFor } from './tiny-addresses';

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000 user@lab';
const HASH = '$6$salt$hash';
const nics = [
  { name: 'eth0', mac: '52:54:00:AA:00:01' },
  { name: 'eth1', mac: '52:54:00:aa:00:02' },
];
const request: CloudInitSeedRequest = {
  vmId: '6f1c2f9e-0000-4000-8000-000000000001',
  nics,
  initialization: {
    hostName: 'vm1.lab.test',
    rootPassword: 'secret pw',
    authorizedSshKeys: `${KEY}\n\n`,
    regenerateSshKeys: true,
    timezone: 'Europe/Paris',
    dnsServers: '10.0.0.254 192.0.2.53',
    dnsSearch: 'lab.test',
    nicConfigurations: [
      {
        name: 'eth0',
        onBoot: true,
        bootProtocol: 'static',
        ip: { address: '10.0.0.5', netmask: '255.255.255.0', gateway: '10.0.0.1' },
      },
      { name: 'eth1', onBoot: true, bootProtocol: 'dhcp', ipv6BootProtocol: 'autoconf' },
    ],
  },
};

const body = (userData: string): unknown => {
  expect(userData.startsWith('#cloud-config\n')).toBe(true);
  return parse(userData.slice('#cloud-config\n'.length)) as unknown;
};

describe('renderSeedFiles', () => {
  const files = renderSeedFiles(request, HASH);

  it('meta-data carries the instance id and host name', () => {
    expect(parse(files.metaData)).toEqual({
      'instance-id': files.instanceId,
      'local-hostname': 'vm1.lab.test',
    });
    expect(files.instanceId).toMatch(/^iid-6f1c2f9e-0000-4000-8000-000000000001-[0-9a-f]{12}$/);
  });

  it('the instance id changes with the configuration and only then', () => {
    expect(instanceIdFor(request)).toBe(files.instanceId);
    const changed = {
      ...request,
      initialization: { ...request.initialization, timezone: 'UTC' },
    };
    expect(instanceIdFor(changed)).not.toBe(files.instanceId);
  });

  it('user-data: host name, root with the password hash (never the password) and keys', () => {
    expect(files.userData).not.toContain('secret pw');
    expect(body(files.userData)).toEqual({
      hostname: 'vm1',
      fqdn: 'vm1.lab.test',
      manage_etc_hosts: true,
      timezone: 'Europe/Paris',
      ssh_deletekeys: true,
      users: [{ name: 'root', lock_passwd: false, ssh_authorized_keys: [KEY] }],
      disable_root: false,
      chpasswd: { expire: false, users: [{ name: 'root', password: HASH, type: 'hash' }] },
      ssh_pwauth: true,
    });
  });

  it('a non-root user gets a shell and sudo', () => {
    const u = renderSeedFiles(
      { ...request, initialization: { userName: 'lab', authorizedSshKeys: KEY } },
      null,
    );
    expect(body(u.userData)).toEqual({
      users: [
        {
          name: 'lab',
          lock_passwd: false,
          ssh_authorized_keys: [KEY],
          shell: '/bin/bash',
          sudo: 'ALL=(ALL) NOPASSWD:ALL',
        },
      ],
    });
  });

  it('network-config v2 matches NICs by MAC and names them as oVirt does', () => {
    expect(parse(files.networkConfig)).toEqual({
      version: 2,
      ethernets: {
        eth0: {
          match: { macaddress: '52:54:00:aa:00:01' },
          'set-name': 'eth0',
          dhcp4: false,
          dhcp6: false,
          addresses: ['10.0.0.5/24'],
          gateway4: '10.0.0.1',
          nameservers: { addresses: ['10.0.0.254', '192.0.2.53'], search: ['lab.test'] },
        },
        eth1: {
          match: { macaddress: '52:54:00:aa:00:02' },
          'set-name': 'eth1',
          dhcp4: true,
          dhcp6: false,
          'accept-ra': true,
          nameservers: { addresses: ['10.0.0.254', '192.0.2.53'], search: ['lab.test'] },
        },
      },
    });
  });

  it('a search list without servers is left out (cloud-init 22.4 drops a nameservers block without addresses)', () => {
    const n = parse(
      renderSeedFiles(
        {
          ...request,
          initialization: { ...request.initialization, dnsServers: '', dnsSearch: 'lab.test' },
        },
        null,
      ).networkConfig,
    ) as { ethernets: Record<string, Record<string, unknown>> };
    expect(n.ethernets.eth0?.nameservers).toBeUndefined();
  });

  it('no nic_configurations: no network-config (cloud-init falls back to DHCP)', () => {
    expect(renderSeedFiles({ ...request, initialization: {} }, null).networkConfig).toBe('');
  });

  it('custom_script is merged as a second MIME part', () => {
    const u = renderSeedFiles(
      { ...request, initialization: { hostName: 'vm1', customScript: 'runcmd:\n  - echo hi' } },
      null,
    ).userData;
    const boundary = /boundary="([^"]+)"/.exec(u)?.[1] ?? '';
    expect(boundary).not.toBe('');
    const parts = u.split(`--${boundary}`);
    expect(parts).toHaveLength(4);
    expect(parts[1]).toContain('#cloud-config\nhostname: vm1\n');
    expect(parts[2]).toContain('Merge-Type: list(append)+dict(no_replace,recurse_list)+str()');
    expect(parts[2]).toContain('#cloud-config\nruncmd:\n  - echo hi\n');
    expect(parts[3]).toBe('--\n');
  });
});

describe('seedProblems', () => {
  it.each<[string, Partial<CloudInitSeedRequest['initialization']>, RegExp]>([
    ['a bad host name', { hostName: 'a_b' }, /host_name/],
    ['a bad user', { userName: 'Root;' }, /user_name/],
    ['a password with a newline', { rootPassword: 'a\nb' }, /root_password/],
    ['a key with a newline inside a line', { authorizedSshKeys: 'not a key' }, /OpenSSH/],
    ['a bad DNS server', { dnsServers: '10.0.0.1 nope' }, /dns_servers/],
    ['a bad time zone', { timezone: '../etc/passwd' }, /timezone/],
    ['a custom script that is not YAML', { customScript: 'runcmd: [unclosed' }, /not valid YAML/],
    ['a custom script that is a list', { customScript: '- a\n- b' }, /mapping/],
    [
      'a NIC the VM does not have',
      { nicConfigurations: [{ name: 'eth7', bootProtocol: 'dhcp' }] },
      /names no vNIC/,
    ],
    [
      'static without an address',
      { nicConfigurations: [{ name: 'eth0', bootProtocol: 'static' }] },
      /static needs/,
    ],
    [
      'IPv4 autoconf',
      { nicConfigurations: [{ name: 'eth0', bootProtocol: 'autoconf' }] },
      /IPv6 only/,
    ],
    [
      'a bad netmask',
      {
        nicConfigurations: [
          {
            name: 'eth0',
            bootProtocol: 'static',
            ip: { address: '10.0.0.5', netmask: '255.0.255.0' },
          },
        ],
      },
      /netmask/,
    ],
  ])('finds %s', (_what, initialization, why) => {
    expect(seedProblems({ ...request, initialization }).join('\n')).toMatch(why);
  });

  it('never quotes the password', () => {
    expect(
      seedProblems({ ...request, initialization: { rootPassword: 'x\ny' } }).join(),
    ).not.toContain('x\ny');
  });

  it('accepts the full example', () => {
    expect(seedProblems(request)).toEqual([]);
  });
});

describe('ipv4Prefix', () => {
  it.each([
    ['255.255.255.0', 24],
    ['255.255.255.255', 32],
    ['0.0.0.0', 0],
    ['16', 16],
    ['255.0.255.0', null],
    ['33', null],
  ])('%s → %s', (mask, prefix) => {
    expect(ipv4Prefix(mask)).toBe(prefix);
  });
});

describe('tinyAddressesFor', () => {
  it('gives the tiny guest the same input: static address, DHCP', () => {
    expect(tinyAddressesFor(request.initialization, nics)).toEqual([
      { nic: 'eth0', address: '10.0.0.5', prefix: 24 },
      { nic: 'eth1', bootProtocol: 'dhcp' },
    ]);
  });

  it('leaves out NICs with on_boot false', () => {
    expect(
      tinyAddressesFor(
        { nicConfigurations: [{ name: 'eth0', onBoot: false, bootProtocol: 'dhcp' }] },
        nics,
      ),
    ).toEqual([]);
  });
});

describe('cdromElements', () => {
  it('renders read-only virtio-scsi CD-ROMs on free targets, escaping the path', () => {
    const els = cdromElements([{ path: '/state/cloud-init/a&b.iso' }], new Set(['sda']));
    expect(els.map((e) => e.toString())).toEqual([
      [
        '<disk type="file" device="cdrom">',
        '  <driver name="qemu" type="raw"/>',
        '  <source file="/state/cloud-init/a&amp;b.iso"/>',
        '  <target dev="sdb" bus="scsi"/>',
        '  <readonly/>',
        '</disk>',
      ].join('\n'),
      '<controller type="scsi" index="0" model="virtio-scsi"/>',
    ]);
  });

  it('adds no controller when the domain has one, and nothing without CD-ROMs', () => {
    expect(cdromElements([{ path: '/a.iso' }], new Set(), true)).toHaveLength(1);
    expect(cdromElements([])).toEqual([]);
  });
});
