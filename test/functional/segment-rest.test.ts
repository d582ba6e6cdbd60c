// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12 over real HTTP, XML and JSON: `address_plan` on `<network>` (AIO addition, subnet
 * in oVirt's open_stack_subnet shape) created, read back with its defaults, refused with a
 * fault when a rule breaks (nothing stored), turned off; `/networks/{id}/segment`; oVirt's
 * `/vms/{id}/reporteddevices` (empty for a VM that is down). Networks are not attached to a
 * cluster here, so no host state is touched (the host side is engine-segment-guests.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API,
  type Appliance,
  at,
  entity,
  items,
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

describe.each(['xml', 'json'] as const)('address plans in %s', (format) => {
  const req = (method: string, path: string, b?: string): Promise<Reply> =>
    a.request(method, `${API}${path}`, { format, ...(b === undefined ? {} : { body: b }) });
  const networkBody = (name: string, plan: Record<string, unknown> | string | null): string => {
    if (format === 'json') {
      return JSON.stringify({
        name,
        isolated: true,
        data_center: { name: 'Default' },
        ...(plan === null ? {} : { address_plan: plan }),
      });
    }
    const xmlPlan =
      plan === null || typeof plan !== 'string' ? '' : `<address_plan>${plan}</address_plan>`;
    return `<network><name>${name}</name><isolated>true</isolated><data_center><name>Default</name></data_center>${xmlPlan}</network>`;
  };
  const plan = (range: [string, string]): Record<string, unknown> | string =>
    format === 'json'
      ? {
          subnet: {
            cidr: '10.31.0.0/24',
            ip_version: 'v4',
            gateway: '10.31.0.1',
            dns_servers: { dns_server: ['10.9.9.9'] },
          },
          dhcp_range: { start: range[0], end: range[1] },
          dns_domain: 'lab.internal',
        }
      : `<subnet><cidr>10.31.0.0/24</cidr><ip_version>v4</ip_version><gateway>10.31.0.1</gateway><dns_servers><dns_server>10.9.9.9</dns_server></dns_servers></subnet><dhcp_range><start>${range[0]}</start><end>${range[1]}</end></dhcp_range><dns_domain>lab.internal</dns_domain>`;

  const xmlOf = (p: Record<string, unknown> | string): string => (typeof p === 'string' ? p : '');
  let id = '';

  it('creates a network with an address plan and reads it back with its defaults', async () => {
    const name = uniqueName('ap');
    const r = await req(
      'POST',
      '/networks',
      networkBody(name, plan(['10.31.0.100', '10.31.0.199'])),
    );
    expect(r.status).toBe(201);
    const n = entity(r.body, 'network');
    id = String(n.id);
    const got = entity((await req('GET', `/networks/${id}`)).body, 'network');
    expect(String(at(got, 'address_plan.enabled'))).toBe('true'); // oVirt JSON: booleans as text
    expect(at(got, 'address_plan.subnet.name')).toBe(`${name}-subnet`);
    expect(at(got, 'address_plan.subnet.cidr')).toBe('10.31.0.0/24');
    expect(at(got, 'address_plan.subnet.ip_version')).toBe('v4');
    expect(at(got, 'address_plan.subnet.gateway')).toBe('10.31.0.1');
    const dns = at(got, 'address_plan.subnet.dns_servers.dns_server');
    expect(Array.isArray(dns) ? dns : [dns]).toEqual(['10.9.9.9']);
    expect(at(got, 'address_plan.dhcp_range.start')).toBe('10.31.0.100');
    expect(at(got, 'address_plan.dns_domain')).toBe('lab.internal');
    expect(at(got, 'address_plan.service_address')).toBe('10.31.0.254');
    // Not deployed on a host yet: the service is reported as not running, with the reason.
    const seg = entity((await req('GET', `/networks/${id}/segment`)).body, 'segment');
    expect(String(seg.running)).toBe('false');
    expect(JSON.stringify(seg.problems)).toMatch(/not deployed/);
  });

  it('refuses a broken plan with a 400 fault naming the rule, and stores nothing', async () => {
    const name = uniqueName('bad');
    const r = await req('POST', '/networks', networkBody(name, plan(['10.31.0.100', '10.31.1.5'])));
    expect(r.status).toBe(400);
    const fault = entity(r.body, 'fault');
    expect(fault.reason).toBe('Operation Failed');
    expect(String(fault.detail)).toMatch(
      /Invalid address plan: dhcp_range.end: 10.31.1.5 is not a host address/,
    );
    const list = await req('GET', `/networks?search=${encodeURIComponent(`name=${name}`)}`);
    expect(items(list.body, 'networks', 'network')).toEqual([]);
  });

  it('refuses a plan on a network that is not isolated (409)', async () => {
    const body =
      format === 'json'
        ? JSON.stringify({
            name: uniqueName('br'),
            data_center: { name: 'Default' },
            address_plan: plan(['10.31.0.100', '10.31.0.199']),
          })
        : `<network><name>${uniqueName('br')}</name><data_center><name>Default</name></data_center><address_plan>${xmlOf(plan(['10.31.0.100', '10.31.0.199']))}</address_plan></network>`;
    const r = await req('POST', '/networks', body);
    expect(r.status).toBe(409);
    expect(String(entity(r.body, 'fault').detail)).toMatch(/only available on isolated networks/);
  });

  it('turns the plan off with <address_plan><enabled>false</enabled></address_plan>', async () => {
    const off =
      format === 'json'
        ? JSON.stringify({ address_plan: { enabled: false } })
        : '<network><address_plan><enabled>false</enabled></address_plan></network>';
    const r = await req('PUT', `/networks/${id}`, off);
    expect(r.status).toBe(200);
    expect(at(entity(r.body, 'network'), 'address_plan')).toBeUndefined();
    await req('DELETE', `/networks/${id}`);
  });

  it('lists reported devices of a VM (none while it is down); unknown VM is 404', async () => {
    const vm =
      format === 'json'
        ? JSON.stringify({
            name: uniqueName('vm'),
            cluster: { name: 'Default' },
            template: { name: 'tiny' },
          })
        : `<vm><name>${uniqueName('vm')}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`;
    const created = await req('POST', '/vms', vm);
    expect(created.status).toBe(201);
    const vmId = String(entity(created.body, 'vm').id);
    const r = await req('GET', `/vms/${vmId}/reporteddevices`);
    expect(r.status).toBe(200);
    expect(items(r.body, 'reported_devices', 'reported_device')).toEqual([]);
    expect(
      (await req('GET', '/vms/00000000-0000-0000-0000-00000000abcd/reporteddevices')).status,
    ).toBe(404);
    await req('DELETE', `/vms/${vmId}`);
  });
});
