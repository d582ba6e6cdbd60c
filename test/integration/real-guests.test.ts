// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 11 must-show 1 (first part): a VM from the bundled template `debian-12` boots from its
 * own disk, and the template file is not written. Needs the image `npm run setup` builds and a
 * host agent that reports it (`bundledImages()`); otherwise the test skips and says why.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { BundledImage } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';

let agent: LocalHostAgent;
let dir: string;
let image: BundledImage | undefined;
let h: Harness | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'real-guests-'));
  agent = new LocalHostAgent({ stateDir: join(dir, 'state') });
  image = (await agent.bundledImages()).find((i) => i.name === 'debian-12');
  if (!image)
    console.warn(
      'real-guests: SKIPPED — the host agent reports no bundled debian-12 image (run `npm run setup`; LocalHostAgent.bundledImages() must report it)',
    );
});
afterAll(async () => {
  await h?.close();
  await agent.close();
  removeDir(dir);
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

describe('debian-12 from its bundled template', () => {
  it('boots from its disk to the login prompt; the template file is unchanged', async (t) => {
    if (!image) {
      t.skip();
      return;
    }
    h = await startHarness(agent, join(dir, 'engine'));
    const eng = h;
    let template = null;
    for (let i = 0; i < 600 && template?.status !== 'ok'; i++) {
      template = (await eng.ok('GetAllTemplates', {})).find((x) => x.name === 'debian-12') ?? null;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(must(template).status).toBe('ok');
    const [tatt] = await eng.ok('GetDiskAttachmentsByTemplateId', {
      templateId: must(template).id,
    });
    const [sd] = await eng.ok('GetAllStorageDomains', {});
    const templateFile = join(must(sd).path, must(tatt).diskId, must(must(tatt).disk.imageId));
    const before = sha(templateFile);
    const vm = await eng.ok('AddVm', {
      name: 'deb1',
      cluster: { name: 'Default' },
      template: { id: must(template).id },
    });
    for (let i = 0; i < 100 && (await eng.ok('GetVmById', { id: vm.id })).status !== 'down'; i++)
      await new Promise((r) => setTimeout(r, 100));
    await eng.ok('RunVm', { id: vm.id });
    const log = join(dir, 'engine', 'vms', vm.id, 'serial.log');
    let text = '';
    for (let i = 0; i < 240 && !/login:/.test(text); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    }
    await eng.ok('StopVm', { id: vm.id });
    expect(text).toMatch(/login:/);
    expect(sha(templateFile)).toBe(before);
  }, 400_000);
});
