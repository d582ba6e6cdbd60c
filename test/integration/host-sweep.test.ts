// SPDX-License-Identifier: Apache-2.0
/**
 * "Nothing leaks across test runs" (issue 4, point 6): the sweep at the start of a run removes
 * objects left by a dead run of the same family, and leaves a live run's objects alone.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { ipLink } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  REGISTRY,
  releaseRunPrefix,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'hs';

const skip = hostTestSkipReason();
if (skip) console.log(`host-sweep.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('stale sweep', () => {
  const live = claimRunPrefix(FAMILY);
  const dead = claimRunPrefix(FAMILY);
  // A pid that certainly belonged to a process that has exited.
  const deadPid = spawnSync('true').pid;
  writeFileSync(join(REGISTRY, dead), `${deadPid}\n`);

  afterAll(async () => {
    for (const dev of [`${live}br`, `${dead}br`, `${live}v0`, `${dead}v0`]) {
      await run('ip', ['link', 'del', 'dev', dev]).catch(() => undefined);
    }
    releaseRunPrefix(live);
    releaseRunPrefix(dead);
  });

  it("removes a dead run's bridges and veths, keeps the live run's", async () => {
    for (const prefix of [live, dead]) {
      await run('ip', ['link', 'add', 'dev', `${prefix}br`, 'type', 'bridge']);
      await run('ip', [
        'link',
        'add',
        'dev',
        `${prefix}v0`,
        'type',
        'veth',
        'peer',
        'name',
        `${prefix}v1`,
      ]);
      await run('ip', ['link', 'set', 'dev', `${prefix}v0`, 'master', `${prefix}br`]);
    }
    const report = await sweepStale(FAMILY);
    expect(report.links.filter((l) => l.startsWith(dead)).sort()).toEqual([
      `${dead}br`,
      `${dead}v0`,
      `${dead}v1`,
    ]);
    expect(report.links.filter((l) => l.startsWith(live))).toEqual([]);
    expect(await ipLink(`${dead}br`)).toBeUndefined();
    expect(await ipLink(`${dead}v0`)).toBeUndefined();
    expect(await ipLink(`${dead}v1`)).toBeUndefined();
    expect(await ipLink(`${live}br`)).toBeDefined();
    expect(await ipLink(`${live}v0`)).toBeDefined();
  });
});
