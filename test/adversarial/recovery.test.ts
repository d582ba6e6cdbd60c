// SPDX-License-Identifier: Apache-2.0
/**
 * The short recovery half of the adversarial suite inside `npm test` (issue 10): a few kill
 * rounds (SIGKILL of a real headless engine at random and instrumented points during network
 * and VM commands, then a restart) and a few injected faults (a host step failing, the
 * database write lock held by another process, the libvirt connection cut), on real
 * libvirtd and bridges. The full run: `node --import tsx test/adversarial/run.ts --full
 * --only kill,faults` (≥ 100 of each).
 */
import { describe, expect, it } from 'vitest';

import { hostTestSkipReason } from '../support/run-prefix';
import { runFaultInjection } from './faults';
import { runKillRounds } from './kill';

const seed = Number(process.env.ADVERSARIAL_SEED ?? Math.floor(Math.random() * 2 ** 31));
const skip = hostTestSkipReason();
if (skip) console.log(`recovery.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))(
  `recovery (short, seed ${seed}; ADVERSARIAL_SEED=${seed} repeats it)`,
  () => {
    it('kill -9 rounds: start-up always succeeds, host matches the DB, no commit lost', async () => {
      const r = await runKillRounds({
        full: false,
        seed,
        log: console.log,
        rounds: 6,
        commands: [
          'add+attach',
          'setup-networks',
          'mtu-change',
          'address-plan',
          'remove',
          'vm-run',
        ],
      });
      console.log(JSON.stringify(r.figures));
      expect(r.failures).toEqual([]);
      expect(r.figures.rounds).toBe(6);
      expect(r.figures['start-up failures']).toBe(0);
      expect(r.figures['orphans/half states']).toBe(0);
      expect(r.figures['lost commits']).toBe(0);
    });

    it('injected faults answer 2xx/400/409/503, never another 5xx, and leave nothing half-applied', async () => {
      const r = await runFaultInjection({
        full: false,
        seed,
        log: console.log,
        counts: { hostStep: 3, dbLock: 3, libvirt: 1 },
      });
      console.log(JSON.stringify(r.figures));
      expect(r.failures).toEqual([]);
      expect(r.figures.faults).toBeGreaterThanOrEqual(7);
      expect(r.figures['5xx other than 503']).toBe(0);
      expect(r.figures['orphans/half states']).toBe(0);
      expect(r.figures['lost commits']).toBe(0);
    });
  },
);
