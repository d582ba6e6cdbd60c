// SPDX-License-Identifier: Apache-2.0
/**
 * A real oVirt client from Debian drives the appliance: libgovirt (`gir1.2-govirt-1.0`)
 * through python3-gi fetches the API, lists VMs, starts and stops one. libgovirt only speaks
 * https (it builds `https://HOST/ovirt-engine/api`), so this appliance serves TLS on
 * loopback with its self-signed certificate, which the client is given as CA.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ADMIN_PASSWORD, API, type Appliance, entity, startAppliance, uniqueName } from './support';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const TYPELIB = '/usr/lib/x86_64-linux-gnu/girepository-1.0/GoVirt-1.0.typelib';
const haveLibgovirt = existsSync(PYTHON) && existsSync(TYPELIB);
if (!haveLibgovirt) console.log(`libgovirt test skipped: ${TYPELIB} or ${PYTHON} missing`);

let a: Appliance;

describe.skipIf(!haveLibgovirt)('libgovirt', () => {
  beforeAll(async () => {
    a = await startAppliance({ tls: true });
  });
  afterAll(async () => {
    await a?.stop();
  });

  it('fetches the API, lists VMs, starts and stops one', async () => {
    const name = uniqueName('gv');
    const add = await a.request('POST', `${API}/vms`, {
      body: `<vm><name>${name}</name><memory>${String(192 * 1024 * 1024)}</memory><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`,
    });
    expect(add.status, add.text).toBe(201);
    const id = String(entity(add.body, 'vm').id);
    try {
      const hostPort = `127.0.0.1:${String(a.app.address.port)}`;
      const certPath = a.app.certPath ?? '';
      const { stdout } = await run(
        PYTHON,
        [
          join(import.meta.dirname, 'libgovirt-client.py'),
          hostPort,
          certPath,
          'admin@internal',
          ADMIN_PASSWORD,
          name,
        ],
        { timeout: 150_000, env: { ...process.env, PYTHONPATH: '' } },
      );
      const out = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
      expect(out.api).toBe(true);
      expect(out.vms).toContain(name);
      expect(out.before).toBe('down');
      expect(out.start).toBe(true);
      expect(out.after_start).toMatch(/^(up|powering_up)$/);
      expect(out.stop).toBe(true);
      expect(out.after_stop).toBe('down');
      // Out of band of libgovirt: the engine agrees.
      const vm = await a.request('GET', `${API}/vms/${id}`);
      expect(entity(vm.body, 'vm').status).toBe('down');
    } finally {
      await a.request('POST', `${API}/vms/${id}/stop`, { body: '<action/>' });
      await a.request('DELETE', `${API}/vms/${id}`);
    }
  });
});
