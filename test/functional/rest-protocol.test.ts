// SPDX-License-Identifier: Apache-2.0
/**
 * The oVirt wire protocol over real HTTP against a real engine: API root, versioning,
 * content negotiation, authentication (Basic, SSO token + revoke, persistent-auth sessions)
 * and every fault shape, each checked to leave nothing changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API,
  type Appliance,
  arrayAt,
  at,
  entity,
  items,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;
const BLANK = '00000000-0000-0000-0000-000000000000';

beforeAll(async () => {
  a = await startAppliance({ bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await a?.stop();
});

/** Never HTML, never a stack trace: XML, JSON or nothing. */
function expectNoHtml(r: Reply): void {
  expect(r.headers.get('content-type') ?? '').not.toMatch(/html/);
  expect(r.text).not.toMatch(/<html|<body|at .*\.ts:\d+/i);
}

function fault(r: Reply): { reason: string; detail: string } {
  return entity(r.body, 'fault') as { reason: string; detail: string };
}

async function networkNames(): Promise<string[]> {
  const r = await a.request('GET', `${API}/networks`);
  return items(r.body, 'networks', 'network').map((n) => String(n.name));
}

describe('API root', () => {
  it('answers XML by default with product info, special objects and links', async () => {
    const r = await a.request('GET', API, { headers: { Accept: '*/*' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(r.text.startsWith('<?xml')).toBe(true);
    const api = entity(r.body, 'api');
    expect(at(api, 'product_info.name')).toBe('oVirt Engine');
    expect(at(api, 'product_info.vendor')).toBe('ovirt.org');
    expect(at(api, 'product_info.version.major')).toBe('4');
    expect(at(api, 'product_info.version.minor')).toBe('5');
    expect(at(api, 'special_objects.blank_template.id')).toBe(BLANK);
    const rels = arrayAt(api, 'link').map((l) => l.rel);
    for (const rel of [
      'vms',
      'vms/search',
      'hosts',
      'clusters/search',
      'networks',
      'datacenters',
      'templates',
      'vnicprofiles',
      'events',
    ]) {
      expect(rels).toContain(rel);
    }
    const vmsSearch = arrayAt(api, 'link').find((l) => l.rel === 'vms/search');
    expect(vmsSearch?.href).toBe(`${API}/vms?search={query}`);
    expect(r.headers.get('link')).toContain(`<${a.origin}${API}/vms>; rel=vms`);
  });

  it('answers JSON on Accept and on the accept= parameter, with oVirt string quirks', async () => {
    for (const r of [
      await a.request('GET', API, { format: 'json' }),
      await a.request('GET', `${API}?accept=application/json`, {
        headers: { Accept: 'application/xml' },
      }),
    ]) {
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      expect(at(r.body, 'product_info.version.major')).toBe('4');
      expect(Array.isArray(at(r.body, 'link'))).toBe(true);
      expect(typeof at(r.body, 'time')).toBe('number');
    }
  });

  it('answers HEAD with the Link header and no body', async () => {
    const r = await a.request('HEAD', API);
    expect(r.status).toBe(200);
    expect(r.text).toBe('');
    expect(r.headers.get('link')).toContain('rel=hosts');
  });

  it('keeps /v4 in hrefs when the client used it, and refuses other versions', async () => {
    const r = await a.request('GET', `${API}/v4/clusters`);
    expect(r.status).toBe(200);
    const cluster = items(r.body, 'clusters', 'cluster')[0];
    expect(String(cluster?.href)).toMatch(new RegExp(`^${API}/v4/clusters/`));
    const plain = await a.request('GET', `${API}/clusters`);
    expect(String(items(plain.body, 'clusters', 'cluster')[0]?.href)).toMatch(
      new RegExp(`^${API}/clusters/`),
    );
    expect((await a.request('GET', `${API}/v3/clusters`)).status).toBe(400);
    const v3 = await a.request('GET', `${API}/clusters`, { headers: { Version: '3' } });
    expect(v3.status).toBe(400);
    expect((await a.request('GET', `${API}/clusters`, { headers: { Version: '4' } })).status).toBe(
      200,
    );
  });
});

describe('authentication', () => {
  it('challenges a request without credentials', async () => {
    const r = await a.request('GET', `${API}/networks`, { auth: 'none' });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="RESTAPI"');
    expectNoHtml(r);
  });

  it('refuses a bad password over Basic auth', async () => {
    const r = await a.request('GET', `${API}/networks`, {
      auth: 'none',
      headers: { Authorization: `Basic ${Buffer.from('admin@internal:wrong').toString('base64')}` },
    });
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="RESTAPI"');
  });

  it('issues SSO tokens (JSON, exp as a string) and refuses bad passwords with a JSON error', async () => {
    const sso = (params: Record<string, string>): Promise<Response> =>
      fetch(`${a.origin}/ovirt-engine/sso/oauth/token`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams(params).toString(),
      });
    const good = await sso({
      grant_type: 'password',
      scope: 'ovirt-app-api',
      username: 'admin@internal',
      password: 'h4-functional-Secret!',
    });
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toMatch(/^application\/json/);
    const json = (await good.json()) as Record<string, unknown>;
    expect(json.token_type).toBe('bearer');
    expect(typeof json.access_token).toBe('string');
    expect(typeof json.exp).toBe('string');
    expect(String(json.scope)).toContain('ovirt-app-api');

    const bad = await sso({
      grant_type: 'password',
      scope: 'ovirt-app-api',
      username: 'admin@internal',
      password: 'nope',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/json/);
    const err = (await bad.json()) as Record<string, string>;
    expect(err.error).toBe('access_denied');
    expect(err.error_description).toContain("Cannot authenticate user 'admin@internal'");

    const noScope = await sso({
      grant_type: 'password',
      username: 'admin@internal',
      password: 'x',
    });
    expect(noScope.status).toBe(400);
    expect(((await noScope.json()) as Record<string, string>).error).toBe('invalid_request');
  });

  it('accepts a bearer token until it is revoked', async () => {
    const token = await a.token();
    expect((await a.request('GET', `${API}/hosts`, { auth: { bearer: token } })).status).toBe(200);
    const out = await fetch(`${a.origin}/ovirt-engine/services/sso-logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ scope: 'ovirt-app-api', token }).toString(),
    });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toMatch(/^application\/json/);
    expect((await out.json()) as object).not.toHaveProperty('error');
    const after = await a.request('GET', `${API}/hosts`, { auth: { bearer: token } });
    expect(after.status).toBe(401);
    expect(after.headers.get('www-authenticate')).toBe('Basic realm="RESTAPI"');
  });

  it('keeps a JSESSIONID session with Prefer: persistent-auth', async () => {
    const first = await a.request('GET', `${API}/clusters`, {
      headers: { Prefer: 'persistent-auth' },
    });
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^JSESSIONID=[^;]+; Path=\/ovirt-engine\/api/);
    const session = cookie.split(';')[0] ?? '';
    const again = await a.request('GET', `${API}/clusters`, {
      auth: 'none',
      headers: { Prefer: 'persistent-auth', Cookie: session },
    });
    expect(again.status).toBe(200);
    // Without Prefer the cookie alone is not enough.
    const noPrefer = await a.request('GET', `${API}/clusters`, {
      auth: 'none',
      headers: { Cookie: session },
    });
    expect(noPrefer.status).toBe(401);
  });
});

describe('faults', () => {
  it('answers unknown paths and unknown or malformed ids with an empty 404', async () => {
    for (const path of [
      `${API}/nothing`,
      `${API}/networks/not-a-uuid`,
      `${API}/networks/123`,
      `${API}/networks/6f1c9c2e-2d47-4a39-9d9b-1d7c2b3f4a5e`,
      `${API}/vms/6f1c9c2e-2d47-4a39-9d9b-1d7c2b3f4a5e/nics`,
      `${API}/hosts/6f1c9c2e-2d47-4a39-9d9b-1d7c2b3f4a5e/networkattachments`,
    ]) {
      for (const format of ['xml', 'json'] as const) {
        const r = await a.request('GET', path, { format });
        expect(r.status, path).toBe(404);
        expect(r.text, path).toBe('');
      }
    }
  });

  it('answers a malformed XML or JSON body with a 400 usage message and changes nothing', async () => {
    const before = await networkNames();
    const xml = await a.request('POST', `${API}/networks`, {
      body: '<network><name>h4x</nam></network>',
    });
    expect(xml.status).toBe(400);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(String(entity(xml.body, 'usage_message').message)).toMatch(
      /^Request syntactically incorrect\./,
    );
    const json = await a.request('POST', `${API}/networks`, {
      format: 'json',
      body: '{"name": "h4x",',
    });
    expect(json.status).toBe(400);
    expect(String((json.body as Record<string, unknown>).message)).toMatch(
      /^Request syntactically incorrect\./,
    );
    const wrongRoot = await a.request('POST', `${API}/networks`, {
      body: '<vm><name>h4x</name></vm>',
    });
    expect(wrongRoot.status).toBe(400);
    expectNoHtml(wrongRoot);
    expect(await networkNames()).toEqual(before);
  });

  it('answers missing mandatory fields with Incomplete parameters', async () => {
    const noName = await a.request('POST', `${API}/networks`, {
      body: '<network><data_center><name>Default</name></data_center></network>',
    });
    expect(noName.status).toBe(400);
    expect(fault(noName)).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Network [name] required for add',
    });
    const clusters = await a.request('GET', `${API}/clusters`);
    const clusterId = String(items(clusters.body, 'clusters', 'cluster')[0]?.id);
    const attach = await a.request('POST', `${API}/clusters/${clusterId}/networks`, {
      format: 'json',
      body: '{"required": "false"}',
    });
    expect(attach.status).toBe(400);
    expect(attach.body).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Network [id|name] required for add',
    });
  });

  it('answers bad values, bad booleans and bad enums with 400 and changes nothing', async () => {
    const before = await networkNames();
    const name = uniqueName('bad');
    const dc = '<data_center><name>Default</name></data_center>';
    const enumR = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${name}</name>${dc}<usages><usage>bogus</usage></usages></network>`,
    });
    expect(enumR.status).toBe(400);
    expect(fault(enumR).reason).toBe('Invalid Enum value');
    expect(fault(enumR).detail).toContain('bogus is not a member of NetworkUsage');
    const boolR = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${name}</name>${dc}<stp>maybe</stp></network>`,
    });
    expect(boolR.status).toBe(400);
    expect(fault(boolR)).toEqual({
      reason: 'Invalid value',
      detail: 'Value "maybe" isn\'t a valid boolean, it should be "true" , "false", "0" or "1"',
    });
    const intR = await a.request('POST', `${API}/networks`, {
      format: 'json',
      body: JSON.stringify({ name, data_center: { name: 'Default' }, mtu: 'lots' }),
    });
    expect(intR.status).toBe(400);
    expect((intR.body as Record<string, string>).reason).toBe('Invalid value');
    const mtu = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${name}</name>${dc}<mtu>10</mtu></network>`,
    });
    expect(mtu.status).toBe(400);
    expect(fault(mtu).reason).toBe('Operation Failed');
    expect(fault(mtu).detail).toMatch(/^\[.*\]$/);
    expect(await networkNames()).toEqual(before);
  });

  it('answers a duplicate name with 409 and a bracketed detail', async () => {
    const name = uniqueName('dup');
    const body = `<network><name>${name}</name><data_center><name>Default</name></data_center></network>`;
    const first = await a.request('POST', `${API}/networks`, { body });
    expect(first.status).toBe(201);
    const id = String(entity(first.body, 'network').id);
    const second = await a.request('POST', `${API}/networks`, { body });
    expect(second.status).toBe(409);
    expect(fault(second).reason).toBe('Operation Failed');
    expect(fault(second).detail).toMatch(/^\[Cannot add Network\. .*\]$/s);
    const del = await a.request('DELETE', `${API}/networks/${id}`);
    expect(del.status).toBe(200);
    expect(entity(del.body, 'action').status).toBe('complete');
  });

  it('answers a body over the limit with 413 and a fault', async () => {
    const big = `<network><name>${'x'.repeat(100 * 1024)}</name></network>`;
    const r = await a.request('POST', `${API}/networks`, { body: big });
    expect(r.status).toBe(413);
    expect(entity(r.body, 'fault')).toHaveProperty('reason');
  });

  it('answers doAction failures as a failed action carrying the fault', async () => {
    const vms = await a.request('GET', `${API}/vms`);
    expect(vms.status).toBe(200);
    const name = uniqueName('vm');
    const add = await a.request('POST', `${API}/vms`, {
      body: `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`,
    });
    expect(add.status).toBe(201);
    const id = String(entity(add.body, 'vm').id);
    // Stopping a VM that is down: ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING (409).
    const stop = await a.request('POST', `${API}/vms/${id}/stop`, { body: '<action/>' });
    expect(stop.status).toBe(409);
    const action = entity(stop.body, 'action');
    expect(action.status).toBe('failed');
    expect(at(action, 'fault.reason')).toBe('Operation Failed');
    expect(String(at(action, 'fault.detail'))).toMatch(/^\[Cannot stop VM\..*\]$/);
    expect((await a.request('DELETE', `${API}/vms/${id}`)).status).toBe(200);
  });

  it('answers setupnetworks failures with a bare fault', async () => {
    const hosts = await a.request('GET', `${API}/hosts`);
    const hostId = String(items(hosts.body, 'hosts', 'host')[0]?.id);
    const r = await a.request('POST', `${API}/hosts/${hostId}/setupnetworks`, {
      body: '<action><modified_network_attachments><network_attachment><network><name>h4-no-such-net</name></network></network_attachment></modified_network_attachments></action>',
    });
    expect(r.status).toBe(400);
    expect(fault(r).reason).toBe('Operation Failed');
    expect(fault(r).detail).toContain('h4-no-such-net');
  });
});
