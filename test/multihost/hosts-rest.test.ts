// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17 over oVirt's REST API (real engine behind the real HTTP server): `POST /hosts`
 * answers 201 with the host `installing` and its enrollment (token, CA hash, command);
 * bad input gets oVirt faults and changes nothing; `POST /hosts/{id}/enroll` replaces the
 * token; `DELETE /hosts/{id}` removes a remote host and refuses the local one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Appliance, at, entity, items, startAppliance } from '../functional/support';

const isRoot = process.getuid?.() === 0;
if (!isRoot)
  console.log('hosts-rest.test.ts skipped: needs root (the engine activates the local host)');

let a: Appliance | null = null;
const app = (): Appliance => {
  if (!a) throw new Error('appliance not started');
  return a;
};
const hostXml = (name: string, address: string): string =>
  `<host><name>${name}</name><address>${address}</address></host>`;

describe.skipIf(!isRoot)('/hosts: add, enroll, remove (REST)', () => {
  beforeAll(async () => {
    a = await startAppliance({ hostEnrollmentListen: '127.0.0.1:0' });
  });
  afterAll(async () => {
    await a?.stop();
  });

  it('adds a remote host, shows its token once, replaces it, removes the host', async () => {
    const r = await app().request('POST', '/ovirt-engine/api/hosts', {
      body: hostXml('mh-rest-b', '192.0.2.10'),
    });
    expect(r.status, r.text).toBe(201);
    const host = entity(r.body, 'host');
    const id = String(host.id);
    expect(r.headers.get('location')).toContain(`/ovirt-engine/api/hosts/${id}`);
    expect(host.status).toBe('installing');
    expect(host.address).toBe('192.0.2.10');
    const token = String(at(host, 'enrollment.token'));
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(String(at(host, 'enrollment.ca_hash'))).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(String(at(host, 'enrollment.engine_address'))).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(String(at(host, 'enrollment.command'))).toContain(`--token=${token}`);
    // The token is not kept: reading the host does not show it.
    const read = await app().request('GET', `/ovirt-engine/api/hosts/${id}`);
    expect(read.text).not.toContain(token);
    expect(entity(read.body, 'host').status).toBe('installing');

    const renewed = await app().request('POST', `/ovirt-engine/api/hosts/${id}/enroll`, {
      body: '<action/>',
    });
    expect(renewed.status, renewed.text).toBe(200);
    const again = String(at(entity(renewed.body, 'action'), 'host.enrollment.token'));
    expect(again.length).toBeGreaterThanOrEqual(40);
    expect(again).not.toBe(token);

    const activate = await app().request('POST', `/ovirt-engine/api/hosts/${id}/activate`, {
      body: '<action/>',
    });
    expect(activate.status).toBe(409);

    const del = await app().request('DELETE', `/ovirt-engine/api/hosts/${id}`);
    expect(del.status, del.text).toBe(200);
    expect((await app().request('GET', `/ovirt-engine/api/hosts/${id}`)).status).toBe(404);
  });

  it('bad input: oVirt faults, nothing added; the local host cannot be removed', async () => {
    const before = items(
      (await app().request('GET', '/ovirt-engine/api/hosts')).body,
      'hosts',
      'host',
    );
    const missing = await app().request('POST', '/ovirt-engine/api/hosts', {
      body: '<host><name>mh-rest-x</name></host>',
    });
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Incomplete parameters');
    expect(missing.text).toContain('Host [address] required for add');
    const badAddress = await app().request('POST', '/ovirt-engine/api/hosts', {
      body: hostXml('mh-rest-x', 'no such address!'),
    });
    expect(badAddress.status).toBe(400);
    expect(badAddress.text).toContain('[Cannot add Host.');
    const local = before[0];
    const sameName = await app().request('POST', '/ovirt-engine/api/hosts', {
      body: hostXml(String(local?.name), '192.0.2.11'),
    });
    expect(sameName.status).toBe(409);
    expect(sameName.text).toContain('The Host name is already in use');
    const after = items(
      (await app().request('GET', '/ovirt-engine/api/hosts')).body,
      'hosts',
      'host',
    );
    expect(after.map((h) => h.id)).toEqual(before.map((h) => h.id));
    const delLocal = await app().request('DELETE', `/ovirt-engine/api/hosts/${String(local?.id)}`);
    expect(delLocal.status).toBe(409);
    expect(delLocal.text).toContain('local host; it is not a remote host');
  });
});
