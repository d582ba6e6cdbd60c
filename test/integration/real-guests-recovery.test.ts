// SPDX-License-Identifier: Apache-2.0
/**
 * The bundled template's first-start copy, interrupted by a crash (found by the kill rounds of
 * the adversarial suite): at the next start the copy is settled (disk and template `illegal`,
 * the half file removed, no intent left) and, with no VM on the template, copied again — never
 * a `debian-12` that stays `locked` for good. Before the fix the generic command recovery of
 * the *first* process dropped the running copy's intent, so a kill mid-copy left the disk and
 * template locked forever. A recording host agent stands in for qemu-img (its copy never
 * finishes in the "crashed" engine); the real copy is covered by real-guests.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';

import { type Harness, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

const GiB = 1024 ** 3;
const IMAGE = '/cache/debian-12-h1/disk.qcow2';

function agentWithBundledImage(): RecordingHostAgent {
  const agent = new RecordingHostAgent();
  agent.bundled = [
    {
      name: 'debian-12',
      description: 'Debian 12',
      path: IMAGE,
      format: 'qcow2',
      virtualSize: 2 * GiB,
      hash: 'h1',
    },
  ];
  agent.volumes.set(IMAGE, {
    format: 'qcow2',
    virtualSize: 2 * GiB,
    actualSize: 150 * 1024 ** 2,
    backingPath: null,
    content: 'debian',
  });
  return agent;
}

const open: Harness[] = [];
afterAll(async () => {
  const dir = open[0]?.dir;
  for (const h of open.slice(1)) await h.close();
  if (dir) removeDir(dir);
});

describe('bundled template copy interrupted by a crash', () => {
  it('is settled and copied again at the next start, never left locked', async () => {
    const crashed = agentWithBundledImage();
    // The copy never finishes in this process: a crash, as far as the database knows.
    crashed.copyVolume = () => new Promise(() => undefined);
    const first = await startHarness(crashed);
    open.push(first);
    const during = (await first.ok('GetAllTemplates', {})).find((t) => t.name === 'debian-12');
    expect(during?.status).toBe('locked');
    // The copy's intent must survive the first process's own start-up recovery.
    expect(first.dump().command_intent).toHaveLength(1);

    // Restart on the same data dir with a working agent (the first engine is abandoned, not
    // closed: closing would wait for the copy).
    const next = agentWithBundledImage();
    for (const [p, v] of crashed.volumes) next.volumes.set(p, { ...v });
    const second = await startHarness(next, first.dir);
    open.push(second);
    let template = (await second.ok('GetAllTemplates', {})).find((t) => t.name === 'debian-12');
    for (let i = 0; i < 100 && template?.status !== 'ok'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      template = (await second.ok('GetAllTemplates', {})).find((t) => t.name === 'debian-12');
    }
    expect(template?.status).toBe('ok');
    // One registration, one disk, ok; the interrupted one is gone with its files.
    expect(
      (await second.ok('GetAllTemplates', {})).filter((t) => t.name === 'debian-12'),
    ).toHaveLength(1);
    const disks = await second.ok('GetAllDisks', {});
    expect(disks.map((d) => d.status)).toEqual(['ok']);
    expect(second.dump().command_intent).toHaveLength(0);
    const events = await second.ok('GetEvents', {});
    expect(events.map((e) => e.code)).toContain('BUNDLED_TEMPLATE_REREGISTERED');
    expect(events.map((e) => e.code)).not.toContain('ENGINE_COMMAND_RECOVERED');
  });
});
