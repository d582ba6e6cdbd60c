// SPDX-License-Identifier: Apache-2.0
/**
 * The event-driven host fact cache (issue 14) against the real kernel: after changes made
 * behind its back (a bridge added, a port enslaved, an address, a bridge removed) its facts
 * equal a full fresh read, and subscribers hear about the changed devices. Names use this
 * run's prefix (family `fw`); everything is removed at the end.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { HostFactWatch } from '../../libvirt/network/fact-watch';
import { readHostFacts } from '../../libvirt/network/host-facts';
import { claimRunPrefix, releaseRunPrefix, sweepStale } from '../support/run-prefix';

const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create bridges';
if (skip) console.log(`host-fact-watch.test.ts skipped: ${skip}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.skipIf(Boolean(skip))('host fact watch (ip monitor)', () => {
  const watch = new HostFactWatch({ warmUpMs: 200, notifyDelayMs: 50 });
  let p = '';
  afterAll(async () => {
    watch.close();
    for (const dev of [`${p}br`, `${p}v0`])
      await run('ip', ['link', 'del', 'dev', dev]).catch(() => undefined);
    if (p) releaseRunPrefix(p);
  });

  it('stays equal to a fresh read through changes made behind its back', async () => {
    await sweepStale('fw');
    p = claimRunPrefix('fw');
    const br = `${p}br`;
    const v0 = `${p}v0`;
    const heard = new Set<string>();
    const unsubscribe = watch.subscribe((devices) => {
      for (const d of devices) heard.add(d);
    });
    await watch.facts();
    await sleep(300); // past the warm-up: from now on reads come from the cache
    expect(watch.monitoring).toBe(true);

    const same = async (): Promise<void> => {
      await sleep(150); // let the kernel's events arrive
      const cached = await watch.facts(new Set([br]));
      const fresh = await readHostFacts(new Set([br]));
      expect([...cached.links.keys()].sort()).toEqual([...fresh.links.keys()].sort());
      for (const [name, link] of fresh.links) expect(cached.links.get(name), name).toEqual(link);
      expect([...cached.defaultRouteDevices]).toEqual([...fresh.defaultRouteDevices]);
    };

    await run('ip', ['link', 'add', 'name', br, 'type', 'bridge']);
    await same();
    await run('ip', ['link', 'add', 'dev', v0, 'type', 'veth', 'peer', 'name', `${v0}p`]);
    await run('ip', ['link', 'set', 'dev', v0, 'master', br]);
    await run('ip', ['addr', 'add', '192.0.2.9/24', 'dev', br]);
    await run('ip', ['link', 'set', 'dev', br, 'mtu', '1400', 'up']);
    await same();
    expect(heard.has(br)).toBe(true);
    expect(heard.has(v0)).toBe(true);
    await run('ip', ['link', 'del', 'dev', v0]);
    await run('ip', ['link', 'del', 'dev', br]);
    await same();
    unsubscribe();
  });
});
