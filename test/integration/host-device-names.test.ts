// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 10 against the REAL host: a network whose on-host name is an existing device
 * this product does not manage (loopback, the host's uplink, a foreign bridge) is refused when
 * it is created, naming the device — before, it was created (201) and only the attach failed.
 * Names use this run's prefix (family `hv`); the foreign bridge is removed at the end.
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, runJson } from '../../libvirt/exec';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';

const FAMILY = 'hv';
const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create a bridge';
if (skip) console.log(`host-device-names.test.ts skipped: ${skip}`);

let prefix = '';
let h: Harness | null = null;
let foreign = '';

describe.skipIf(Boolean(skip))('network names that are host devices (real host)', () => {
  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    foreign = `${prefix}fb`;
    await run('ip', ['link', 'add', 'name', foreign, 'type', 'bridge']);
    const agent = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    h = await startHarness(agent, join(runDir(prefix), 'engine'));
  });
  afterAll(async () => {
    try {
      await h?.close();
      await h?.agent.close();
    } finally {
      if (await ipLink(foreign)) await run('ip', ['link', 'del', foreign]);
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('refuses lo, the uplink and a foreign bridge, naming the device; accepts a free name', async () => {
    const hh = must(h);
    const routes = (await runJson('ip', ['-4', '-json', 'route', 'show', 'default'])) as {
      dev?: string;
    }[];
    const uplink = routes[0]?.dev;
    const names = ['lo', foreign, ...(uplink !== undefined && uplink.length <= 15 ? [uplink] : [])];
    for (const name of names) {
      const e = await hh.err('AddNetwork', {
        name,
        dataCenter: { name: 'Default' },
        isolated: true,
      });
      expect(e.code).toBe('ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE');
      expect(e.messages.join(' ')).toContain(`'${name}'`);
    }
    expect((await hh.ok('GetAllNetworks', {})).filter((n) => names.includes(n.name))).toEqual([]);
    // The foreign bridge is untouched.
    expect((await ipLink(foreign))?.linkinfo?.info_kind).toBe('bridge');
    const ok = await hh.ok('AddNetwork', {
      name: `${prefix}ok`,
      dataCenter: { name: 'Default' },
      isolated: true,
    });
    await hh.ok('RemoveNetwork', { id: ok.id });
  });
});
