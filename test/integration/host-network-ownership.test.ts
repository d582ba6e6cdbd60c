// SPDX-License-Identifier: Apache-2.0
/**
 * Write-ahead bridge ownership (issue 10 item 1): a process killed between `ip link add` and
 * the host layer recording the network must leave a bridge that the next agent on the same
 * state directory may remove, while a bridge this product did not create stays refused.
 * Real bridges, checked with `ip -json`.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import type { NetStep } from '../../libvirt/network/desired-state';
import { RunningConfig } from '../../libvirt/network/running-config';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { ipLink } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const skip = hostTestSkipReason();
if (skip) console.log(`host-network-ownership.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('bridge ownership is recorded before the bridge exists', () => {
  const p = claimRunPrefix('ho');
  const dir = runDir(p);
  const mine = `${p}own`;
  const foreign = `${p}alien`;
  afterAll(async () => {
    await sweepStale('ho').catch(() => undefined);
    for (const b of [mine, foreign])
      await run('ip', ['link', 'del', 'dev', b]).catch(() => undefined);
    releaseRunPrefix(p);
  });

  it('setupNetworks records the bridge as its own before `ip link add`', async () => {
    const seen: boolean[] = [];
    const agent = new LocalHostAgent(
      { stateDir: dir },
      {
        applyHooks: {
          beforeStep: async (step: NetStep) => {
            if (step.op !== 'bridge-add') return;
            const data = await new RunningConfig(dir).read();
            seen.push(
              (data.creating ?? []).includes(step.dev) && (await ipLink(step.dev)) === undefined,
            );
          },
        },
      },
    );
    try {
      await agent.setupNetworks({ networks: { [mine]: { mtu: 1500, bridged: true, stp: false } } });
      expect(seen).toEqual([true]);
      // Recorded as a network now, no longer "creating".
      const data = await new RunningConfig(dir).read();
      expect(Object.keys(data.networks)).toContain(mine);
      expect(data.creating ?? []).not.toContain(mine);
      await agent.setupNetworks({ networks: { [mine]: { remove: true } } });
    } finally {
      await agent.close();
    }
  });

  it('a bridge left by a process killed after `ip link add` is removable; a foreign one is not', async () => {
    // Exactly what a kill between the write-ahead record and the final record leaves.
    await new RunningConfig(dir).markCreating([mine]);
    await run('ip', ['link', 'add', 'name', mine, 'type', 'bridge']);
    await run('ip', ['link', 'add', 'name', foreign, 'type', 'bridge']);
    const agent = new LocalHostAgent({ stateDir: dir });
    try {
      await agent.setupNetworks({ networks: { [mine]: { remove: true } } });
      expect(await ipLink(mine)).toBeUndefined();
      expect((await new RunningConfig(dir).read()).creating ?? []).not.toContain(mine);
      const refused = await agent.setupNetworks({ networks: { [foreign]: { remove: true } } }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(HostError);
      expect((refused as HostError).code).toBe(HostErrorCode.HOST_NETWORK_INVALID);
      expect((await ipLink(foreign))?.linkinfo?.info_kind).toBe('bridge');
    } finally {
      await agent.close();
    }
  });
});
