// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12 must-show 4: one `initialization` input, two delivery paths, real guests.
 *
 * - A `debian-12` VM (a thin overlay on the bundled template) with a static
 *   `nic_configuration` boots with the engine's NoCloud seed on a virtio-scsi CD-ROM; cloud-init
 *   configures eth0, and the guest itself prints its address on the serial console (a
 *   `custom_script` runcmd runs `ip -4 -o addr show eth0` inside the guest).
 * - A `tiny` VM with the same kind of input gets the address on its kernel command line and
 *   reports it in its ready line.
 *
 * Also: the password never shows in the serial log, the API read or the events; the seed is a
 * private file while the VM exists and is gone with the VM. Two guest boots (about 1.5 min under
 * TCG). Needs root (bridges) and the debian-12 image (`npm run setup`); otherwise it skips and
 * says why.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { HIDDEN_PASSWORD, type Initialization } from '../../main/contract/vms';
import { ADMIN, type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'ci';
const PASSWORD = 'pw-Never-Shown-7341';
const DEBIAN_ADDRESS = '10.123.0.5';
const TINY_ADDRESS = '10.123.0.6';
/** Printed by the guest itself (custom_script runcmd) once cloud-init has configured it. */
const MARKER = 'AIO-CI-ADDR';

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

async function waitForSerial(path: string, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (pattern.test(text)) return text;
    await sleep(1000);
  }
  throw new Error(
    `no ${String(pattern)} on the serial console within ${timeoutMs} ms; tail: ${JSON.stringify(text.slice(-3000))}`,
  );
}

const skip = hostTestSkipReason();
if (skip) console.log(`cloud-init-guests.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('initialization reaches real guests', () => {
  let prefix = '';
  let agent: LocalHostAgent;
  let h: Harness | undefined;
  let stateDir = '';
  let imageMissing: string | false = false;
  const vmIds: string[] = [];

  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    stateDir = join(runDir(prefix), 'host-state');
    agent = new LocalHostAgent({ stateDir });
    if (!(await agent.bundledImages()).some((i) => i.name === 'debian-12')) {
      imageMissing = 'the host agent reports no bundled debian-12 image (run npm run setup)';
      console.warn(`cloud-init-guests: SKIPPED — ${imageMissing}`);
      return;
    }
    h = await startHarness(agent, join(runDir(prefix), 'engine'));
  });

  afterAll(async () => {
    try {
      if (h) {
        for (const id of vmIds) {
          await h.engine.invoke(ADMIN, 'StopVm', { id });
          await h.engine.invoke(ADMIN, 'RemoveVm', { id });
        }
        const host = (await h.ok('GetAllHosts', {}))[0];
        for (const n of (await h.ok('GetAllNetworks', {})).filter((x) =>
          x.name.startsWith(prefix),
        )) {
          if (host)
            await h.engine.invoke(ADMIN, 'DetachNetworkFromCluster', {
              clusterId: host.clusterId,
              networkId: n.id,
            });
          await h.engine.invoke(ADMIN, 'RemoveNetwork', { id: n.id });
        }
        await h.close();
      }
    } finally {
      if (prefix && (await ipLink(`${prefix}net`)))
        await run('ip', ['link', 'del', `${prefix}net`]);
      await agent.close();
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('static nic_configurations reach debian-12 through cloud-init and tiny through its command line', async (t) => {
    if (imageMissing || !h) {
      t.skip();
      return;
    }
    const eng = h;
    const network = await eng.ok('AddNetwork', {
      name: `${prefix}net`,
      dataCenter: { name: 'Default' },
      isolated: true,
    });
    await eng.ok('AttachNetworkToCluster', {
      cluster: { name: 'Default' },
      network: { id: network.id },
    });
    const [profile] = await eng.ok('GetVnicProfilesByNetworkId', { networkId: network.id });

    let template = null;
    for (let i = 0; i < 600 && template?.status !== 'ok'; i++) {
      template = (await eng.ok('GetAllTemplates', {})).find((x) => x.name === 'debian-12') ?? null;
      if (template?.status !== 'ok') await sleep(500);
    }
    expect(must(template).status).toBe('ok');

    const staticEth0 = (address: string): Initialization['nicConfigurations'] => [
      {
        name: 'eth0',
        bootProtocol: 'static' as const,
        ip: { address, netmask: '255.255.255.0' },
        onBoot: true,
      },
    ];
    const deb = await eng.ok('AddVm', {
      name: `${prefix}deb`,
      cluster: { name: 'Default' },
      template: { id: must(template).id },
      initialization: {
        hostName: `${prefix}deb`,
        rootPassword: PASSWORD,
        nicConfigurations: staticEth0(DEBIAN_ADDRESS),
        dnsSearch: 'lab.internal',
        customScript: `runcmd:\n  - [sh, -c, 'echo ${MARKER} $(ip -4 -o addr show eth0)']\n`,
      },
    });
    vmIds.push(deb.id);
    // Reads hide the password, as oVirt's do.
    expect(deb.initialization?.rootPassword).toBe(HIDDEN_PASSWORD);
    for (let i = 0; i < 200 && (await eng.ok('GetVmById', { id: deb.id })).status !== 'down'; i++)
      await sleep(100);
    await eng.ok('AddVmInterface', { vmId: deb.id, name: 'nic1', vnicProfileId: must(profile).id });

    const tiny = await eng.ok('AddVm', {
      name: `${prefix}tiny`,
      cluster: { name: 'Default' },
      template: { name: 'tiny' },
      initialization: { nicConfigurations: staticEth0(TINY_ADDRESS) },
    });
    vmIds.push(tiny.id);
    await eng.ok('AddVmInterface', {
      vmId: tiny.id,
      name: 'nic1',
      vnicProfileId: must(profile).id,
    });

    await eng.ok('RunVm', { id: deb.id });
    const seed = join(stateDir, 'cloud-init', `${deb.id}.iso`);
    expect(statSync(seed).mode & 0o777).toBe(0o600);
    await eng.ok('RunVm', { id: tiny.id });

    const tinyLog = join(eng.dir, 'vms', tiny.id, 'serial.log');
    const tinyText = await waitForSerial(tinyLog, /AIO-READY .*eth0=/, 120_000);
    expect(tinyText).toContain(`eth0=${TINY_ADDRESS}/24`);

    const debLog = join(eng.dir, 'vms', deb.id, 'serial.log');
    const text = await waitForSerial(debLog, new RegExp(`${MARKER} \\d+: eth0 `), 400_000);
    // The guest's own `ip` says eth0 has the address cloud-init was given.
    expect(text).toMatch(new RegExp(`${MARKER} \\d+: eth0\\s+inet ${DEBIAN_ADDRESS}/24 `));
    // Its host name came from the seed too (the prompt shows it once the getty is up).
    await waitForSerial(debLog, new RegExp(`${prefix}deb login:`), 120_000);
    expect(readFileSync(debLog, 'utf8')).not.toContain(PASSWORD);

    // Never in the API read, the events, or the seed in clear text.
    const read = await eng.ok('GetVmById', { id: deb.id });
    expect(JSON.stringify(read)).not.toContain(PASSWORD);
    const events = await eng.ok('GetEvents', {});
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
    expect(readFileSync(seed).includes(PASSWORD)).toBe(false);

    for (const id of vmIds) await eng.ok('StopVm', { id });
    await eng.ok('RemoveVm', { id: deb.id });
    vmIds.splice(vmIds.indexOf(deb.id), 1);
    // The seed (a password hash) goes with the VM.
    expect(existsSync(seed)).toBe(false);
  }, 900_000);
});
