// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 7 end to end over REST, on the real host: `POST /networks/{id}/isolationtest`
 * on an isolated network deployed through the API answers the completed action with an
 * `isolation_test` (every check passed, MTU 9000 frames crossing), in XML and JSON; a network
 * that is not isolated, or not on the host, gets a clear fault and no probe is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, runJson } from '../../libvirt/exec';
import { API, type Appliance, arrayAt, at, entity, startAppliance, uniqueName } from './support';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root (the test deploys a real bridge and probes)';
if (skip) console.log(`isolation-test.test.ts skipped: ${skip}`);

let a: Appliance;
const created: string[] = [];

async function probesLeft(): Promise<string[]> {
  const ns = ((await runJson('ip', ['-json', 'netns', 'list'])) ?? []) as { name: string }[];
  return ns.map((n) => n.name).filter((n) => n.startsWith('aio-probe-'));
}

describe.skipIf(Boolean(skip))('POST /networks/{id}/isolationtest', () => {
  beforeAll(async () => {
    a = await startAppliance();
  });
  afterAll(async () => {
    for (const id of created) {
      await a.request('DELETE', `${API}/clusters/${await clusterId()}/networks/${id}`);
      await a.request('DELETE', `${API}/networks/${id}`);
    }
    await a?.stop();
  });

  async function clusterId(): Promise<string> {
    const r = await a.request('GET', `${API}/clusters?search=name%3DDefault`, { format: 'json' });
    return String(at(arrayAt(r.body, 'cluster')[0], 'id'));
  }

  async function network(isolated: boolean, attach: boolean): Promise<string> {
    const name = uniqueName('it');
    const r = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${name}</name><isolated>${isolated}</isolated><mtu>9000</mtu><data_center><name>Default</name></data_center></network>`,
    });
    expect(r.status).toBe(201);
    const id = String(entity(r.body, 'network').id);
    created.push(id);
    if (attach) {
      const c = await a.request('POST', `${API}/clusters/${await clusterId()}/networks`, {
        body: `<network id="${id}"/>`,
      });
      expect(c.status).toBe(201);
    }
    return id;
  }

  it('passes every check on an isolated network, in XML and JSON', async () => {
    const id = await network(true, true);
    const xml = await a.request('POST', `${API}/networks/${id}/isolationtest`, {
      body: '<action/>',
    });
    expect(xml.status, xml.text).toBe(200);
    expect(xml.text).toContain('<status>complete</status>');
    const test = at(entity(xml.body, 'action'), 'isolation_test');
    expect(at(test, 'passed')).toBe('true');
    const checks = arrayAt(test, 'checks.check');
    expect(checks.map((c) => c.name).sort()).toEqual([
      'host-ipv4',
      'host-ipv6',
      'host-ipv6-all-nodes',
      'mtu',
      'segment-ipv4',
      'segment-ipv6',
    ]);
    for (const c of checks) expect(c.passed, String(c.detail)).toBe('true');
    const json = await a.request('POST', `${API}/networks/${id}/isolationtest`, {
      format: 'json',
      body: '{}',
    });
    expect(json.status).toBe(200);
    // oVirt's JSON renders scalars as strings too.
    expect(at(json.body, 'isolation_test')).toMatchObject({ passed: 'true', mtu: '9000' });
    expect(await probesLeft()).toEqual([]);
  });

  it('reports the failed checks (and a warning event) when the host answers on the bridge', async () => {
    const id = await network(true, true);
    const got = await a.request('GET', `${API}/networks/${id}`, { format: 'json' });
    const vdsmName = entity(got.body, 'network').vdsm_name;
    const bridge = typeof vdsmName === 'string' ? vdsmName : '';
    expect(bridge).not.toBe('');
    // Broken behind the product's back: an address and ARP answers on the bridge.
    await run('ip', ['addr', 'add', '169.254.251.251/16', 'dev', bridge]);
    await run('sysctl', ['-q', '-w', `net.ipv4.conf.${bridge}.arp_ignore=0`]);
    const r = await a.request('POST', `${API}/networks/${id}/isolationtest`, {
      format: 'json',
      body: '{}',
    });
    expect(r.status).toBe(200);
    const test = at(r.body, 'isolation_test');
    expect(at(test, 'passed')).toBe('false');
    const failed = arrayAt(test, 'checks.check').filter((c) => c.passed === 'false');
    expect(failed.map((c) => c.name)).toEqual(['host-ipv4']);
    expect(String(failed[0]?.detail)).toContain('169.254.251.251');
    const events = await a.request('GET', `${API}/events`, { format: 'json' });
    const warning = arrayAt(events.body, 'event').find(
      (e) => e.custom_data === 'NETWORK_ISOLATION_TEST_FAILED_CHECKS',
    );
    expect(warning?.severity).toBe('warning');
    expect(String(warning?.description)).toContain('host-ipv4');
    expect(await probesLeft()).toEqual([]);
  });

  it('refuses a network that is not isolated, and one not on the host', async () => {
    const plain = await network(false, false);
    const r1 = await a.request('POST', `${API}/networks/${plain}/isolationtest`, {
      body: '<action/>',
    });
    expect(r1.status).toBe(400);
    expect(r1.text).toMatch(/not an isolated network/);
    const detached = await network(true, false);
    const r2 = await a.request('POST', `${API}/networks/${detached}/isolationtest`, {
      body: '<action/>',
    });
    expect(r2.status).toBe(409);
    expect(r2.text).toMatch(/is not attached to host/);
    expect(await probesLeft()).toEqual([]);
  });
});
