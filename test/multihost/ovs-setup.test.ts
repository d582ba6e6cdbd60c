// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: after `npm run setup`, Open vSwitch and OVN run without systemd and without the OVS
 * kernel module: the databases answer and ovn-controller's integration bridge uses the
 * userspace datapath.
 */
import { describe, expect, it } from 'vitest';

import { run } from '../../build/setup/exec';

const present = (await run('which', ['ovs-vsctl'])).code === 0;
if (!present)
  console.log('ovs-setup.test.ts skipped: openvswitch-switch is not installed (npm run setup)');

describe.skipIf(!present)('Open vSwitch / OVN after setup', () => {
  it('OVS, the OVN databases and ovn-controller answer; br-int is a netdev bridge', async () => {
    const show = await run('ovs-vsctl', ['--timeout=10', 'show']);
    expect(show.code, show.stderr).toBe(0);
    expect((await run('ovn-nbctl', ['--timeout=10', 'show'])).code).toBe(0);
    expect((await run('ovn-sbctl', ['--timeout=10', 'show'])).code).toBe(0);
    // ovn-controller creates br-int itself, from ovn-bridge-datapath-type=netdev.
    let dp = '';
    for (let i = 0; i < 50 && dp === ''; i++) {
      const r = await run('ovs-vsctl', [
        '--timeout=10',
        'get',
        'bridge',
        'br-int',
        'datapath_type',
      ]);
      if (r.code === 0) dp = r.stdout.trim();
      else await new Promise((res) => setTimeout(res, 200));
    }
    expect(dp).toBe('netdev');
    // The chassis name: kept across restarts of OVS, never blank.
    const id = await run('ovs-vsctl', [
      '--timeout=10',
      'get',
      'open_vswitch',
      '.',
      'external_ids:system-id',
    ]);
    expect(id.stdout.trim()).toMatch(/^"?[0-9a-f-]{36}"?$/);
    const ctl = await run('ovn-appctl', ['-t', 'ovn-controller', 'version']);
    expect(ctl.code, ctl.stderr).toBe(0);
  });
});
