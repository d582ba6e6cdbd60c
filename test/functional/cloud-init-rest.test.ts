// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt's `initialization` (cloud-init) over real HTTP, XML and JSON: every field in and back,
 * `root_password` stored but read only as `******` (also not in events), a PUT of the mask
 * keeping it, bad input answered with a fault naming the field, templates carrying it, and the
 * `start` action's run-once `vm.initialization` checked before anything starts. No guest boots
 * here (cloud-init-guests.test.ts boots real ones).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API,
  type Appliance,
  arrayAt,
  at,
  entity,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;
beforeAll(async () => {
  a = await startAppliance();
});
afterAll(async () => {
  await a?.stop();
});

const PASSWORD = 'Rest-S3cret-9912';
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl lab@aio';

const initXml = (hostName: string, extra = ''): string =>
  `<initialization><host_name>${hostName}</host_name><user_name>lab</user_name>` +
  `<root_password>${PASSWORD}</root_password><authorized_ssh_keys>${KEY}</authorized_ssh_keys>` +
  `<regenerate_ssh_keys>true</regenerate_ssh_keys><timezone>Europe/Paris</timezone>` +
  `<dns_servers>10.60.0.254 10.60.0.253</dns_servers><dns_search>lab.internal</dns_search>` +
  `<custom_script>runcmd:\n  - [touch, /tmp/x]\n</custom_script>` +
  `<cloud_init_network_protocol>openstack_metadata</cloud_init_network_protocol>` +
  `<nic_configurations><nic_configuration><name>eth0</name><on_boot>true</on_boot>` +
  `<boot_protocol>static</boot_protocol><ip><address>10.60.0.5</address><netmask>255.255.255.0</netmask>` +
  `<gateway>10.60.0.1</gateway></ip><ipv6_boot_protocol>static</ipv6_boot_protocol>` +
  `<ipv6><address>fd00::5</address><netmask>64</netmask></ipv6></nic_configuration>` +
  `<nic_configuration><name>eth1</name><boot_protocol>dhcp</boot_protocol></nic_configuration>` +
  `</nic_configurations>${extra}</initialization>`;

const initJson = (hostName: string): Record<string, unknown> => ({
  host_name: hostName,
  user_name: 'lab',
  root_password: PASSWORD,
  authorized_ssh_keys: KEY,
  regenerate_ssh_keys: true,
  timezone: 'Europe/Paris',
  dns_servers: '10.60.0.254 10.60.0.253',
  dns_search: 'lab.internal',
  custom_script: 'runcmd:\n  - [touch, /tmp/x]\n',
  nic_configurations: {
    nic_configuration: [
      {
        name: 'eth0',
        on_boot: true,
        boot_protocol: 'static',
        ip: { address: '10.60.0.5', netmask: '255.255.255.0', gateway: '10.60.0.1' },
        ipv6_boot_protocol: 'static',
        ipv6: { address: 'fd00::5', netmask: '64' },
      },
      { name: 'eth1', boot_protocol: 'dhcp' },
    ],
  },
});

describe.each(['xml', 'json'] as const)('initialization in %s', (format) => {
  const req = (method: string, path: string, body?: string): Promise<Reply> =>
    a.request(method, `${API}${path}`, { format, ...(body !== undefined ? { body } : {}) });
  const vmBody = (name: string, hostName: string, template = 'tiny'): string =>
    format === 'json'
      ? JSON.stringify({
          name,
          cluster: { name: 'Default' },
          template: { name: template },
          initialization: initJson(hostName),
        })
      : `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>${template}</name></template>${initXml(hostName)}</vm>`;

  it('stores every field, reads the password as ******, never in events; a PUT of the mask keeps it', async () => {
    const name = uniqueName('ci');
    const add = await req('POST', '/vms', vmBody(name, 'web1.lab.internal'));
    expect(add.status).toBe(201);
    expect(add.text).not.toContain(PASSWORD);
    const vm = entity(add.body, 'vm');
    const id = String(vm.id);
    const read = await req('GET', `/vms/${id}`);
    expect(read.text).not.toContain(PASSWORD);
    const init = at(entity(read.body, 'vm'), 'initialization') as Record<string, unknown>;
    expect(init).toMatchObject({
      host_name: 'web1.lab.internal',
      user_name: 'lab',
      root_password: '******',
      authorized_ssh_keys: KEY,
      timezone: 'Europe/Paris',
      dns_servers: '10.60.0.254 10.60.0.253',
      dns_search: 'lab.internal',
    });
    expect(String(init.regenerate_ssh_keys)).toBe('true');
    const nics = arrayAt(init, 'nic_configurations.nic_configuration');
    expect(nics.map((n) => n.name)).toEqual(['eth0', 'eth1']);
    expect(at(nics[0], 'ip.address')).toBe('10.60.0.5');
    expect(at(nics[0], 'ip.gateway')).toBe('10.60.0.1');
    expect(at(nics[0], 'ip.version')).toBe('v4');
    expect(at(nics[0], 'ipv6.address')).toBe('fd00::5');
    expect(at(nics[0], 'ipv6_boot_protocol')).toBe('static');
    expect(at(nics[1], 'boot_protocol')).toBe('dhcp');

    // A client PUTting back what it read (the mask) keeps the stored password.
    const put = await req(
      'PUT',
      `/vms/${id}`,
      format === 'json'
        ? JSON.stringify({ initialization: { ...initJson('web2'), root_password: '******' } })
        : `<vm>${initXml('web2').replace(PASSWORD, '******')}</vm>`,
    );
    expect(put.status).toBe(200);
    const after = at(entity(put.body, 'vm'), 'initialization') as Record<string, unknown>;
    expect(after).toMatchObject({ host_name: 'web2', root_password: '******' });

    const events = await req('GET', '/events');
    expect(events.status).toBe(200);
    expect(events.text).not.toContain(PASSWORD);
    expect((await req('DELETE', `/vms/${id}`)).status).toBe(200);
  });

  it('answers bad input with a fault naming the field, and creates nothing', async () => {
    const name = uniqueName('ci');
    const bad = await req('POST', '/vms', vmBody(name, 'not a host name'));
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/hostName: must be a host name/);
    expect(bad.text).not.toContain(PASSWORD);
    const list = await req('GET', `/vms?search=${encodeURIComponent(`name=${name}`)}`);
    expect(list.text).not.toContain(name);
    const proto = await req(
      'POST',
      '/vms',
      format === 'json'
        ? JSON.stringify({
            name,
            cluster: { name: 'Default' },
            template: { name: 'tiny' },
            initialization: {
              nic_configurations: { nic_configuration: [{ name: 'eth0', boot_protocol: 'bogus' }] },
            },
          })
        : `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template><initialization><nic_configurations><nic_configuration><name>eth0</name><boot_protocol>bogus</boot_protocol></nic_configuration></nic_configurations></initialization></vm>`,
    );
    expect(proto.status).toBe(400);
    expect(proto.text).toMatch(/BootProtocol/);
  });

  it('start: a run-once initialization naming no vNIC is refused before anything starts', async () => {
    const name = uniqueName('ci');
    const add = await req('POST', '/vms', vmBody(name, 'web3'));
    const id = String(entity(add.body, 'vm').id);
    const start = await req(
      'POST',
      `/vms/${id}/start`,
      format === 'json'
        ? JSON.stringify({
            use_cloud_init: true,
            vm: {
              initialization: {
                nic_configurations: {
                  nic_configuration: [{ name: 'eth0', boot_protocol: 'dhcp' }],
                },
              },
            },
          })
        : '<action><use_cloud_init>true</use_cloud_init><vm><initialization><nic_configurations><nic_configuration><name>eth0</name><boot_protocol>dhcp</boot_protocol></nic_configuration></nic_configurations></initialization></vm></action>',
    );
    expect(start.status).toBe(400);
    expect(start.text).toMatch(/no network interface for nic configuration (&apos;|')eth0/);
    expect(at(entity((await req('GET', `/vms/${id}`)).body, 'vm'), 'status')).toBe('down');
    expect((await req('DELETE', `/vms/${id}`)).status).toBe(200);
  });
});
