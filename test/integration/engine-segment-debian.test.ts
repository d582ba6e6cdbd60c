// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12 must-show 1: two `debian-12` VMs whose `initialization.nic_configurations` ask DHCP,
 * on an isolated network with an address plan. Each gets the lease the engine planned for its
 * vNIC (cloud-init → ifupdown → dhclient → the segment's dnsmasq), resolves the other as
 * `<vm-name>.<domain>`, and A reaches B over SSH with the key given through `initialization`
 * (`authorized_ssh_keys`; A's private key is handed to it by a test-only `custom_script`).
 * Everything is read from the guests' own serial consoles: the host cannot reach the segment.
 * Two Debian boots under TCG (a few minutes); needs root and the debian-12 image, else skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import type { Network } from '../../main/contract/networks';
import { ADMIN, type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'sd';
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
    `no ${String(pattern)} on ${path} within ${timeoutMs} ms; tail: ${JSON.stringify(text.slice(-3000))}`,
  );
}

const skip = hostTestSkipReason();
if (skip) console.log(`engine-segment-debian.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('debian-12 guests on a segment with DHCP and DNS', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  let agent: LocalHostAgent;
  let h: Harness | undefined;
  let net: Network | undefined;
  let imageMissing: string | false = false;
  const vmIds: string[] = [];

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = new LocalHostAgent({ stateDir: join(dir, 'host-state') });
    if (!(await agent.bundledImages()).some((i) => i.name === 'debian-12')) {
      imageMissing = 'the host agent reports no bundled debian-12 image (run npm run setup)';
      console.warn(`engine-segment-debian: SKIPPED — ${imageMissing}`);
      return;
    }
    h = await startHarness(agent, join(dir, 'engine'));
  });

  afterAll(async () => {
    try {
      if (h) {
        for (const id of vmIds) {
          await h.engine.invoke(ADMIN, 'StopVm', { id });
          await h.engine.invoke(ADMIN, 'RemoveVm', { id });
        }
        if (net) {
          const host = (await h.ok('GetAllHosts', {}))[0];
          if (host)
            await h.engine.invoke(ADMIN, 'DetachNetworkFromCluster', {
              clusterId: host.clusterId,
              networkId: net.id,
            });
          await h.engine.invoke(ADMIN, 'RemoveNetwork', { id: net.id });
        }
        await h.close();
      }
    } finally {
      if (net) {
        await agent.setupSegmentServices(net.vdsmName, null).catch(() => undefined);
        if (await ipLink(net.vdsmName)) await run('ip', ['link', 'del', net.vdsmName]);
      }
      await agent.close();
      releaseRunPrefix(p);
    }
  });

  it('each gets its lease, resolves the other by name and reaches it over SSH with the initialization key', async (t) => {
    if (imageMissing || !h) {
      t.skip();
      return;
    }
    const eng = h;
    const key = join(dir, 'id_ed25519');
    await promisify(execFile)('ssh-keygen', [
      '-q',
      '-t',
      'ed25519',
      '-N',
      '',
      '-C',
      'aio-test',
      '-f',
      key,
    ]);
    const publicKey = readFileSync(`${key}.pub`, 'utf8').trim();
    const privateKey = readFileSync(key, 'utf8');

    net = await eng.ok('AddNetwork', {
      name: `${p}lab`,
      dataCenter: { name: 'Default' },
      isolated: true,
      addressPlan: {
        subnet: { cidr: '10.81.0.0/24' },
        dhcpRange: { start: '10.81.0.100', end: '10.81.0.150' },
        dnsDomain: 'lab.test',
      },
    });
    await eng.ok('AttachNetworkToCluster', {
      cluster: { name: 'Default' },
      network: { id: net.id },
    });
    const profile = must(
      (await eng.ok('GetVnicProfilesByNetworkId', { networkId: net.id }))[0],
      'profile',
    );
    let template = null;
    for (let i = 0; i < 600 && template?.status !== 'ok'; i++) {
      template = (await eng.ok('GetAllTemplates', {})).find((x) => x.name === 'debian-12') ?? null;
      if (template?.status !== 'ok') await sleep(500);
    }
    expect(must(template, 'template').status).toBe('ok');

    const nameA = `${p}-a`;
    const nameB = `${p}-b`;
    const indent = (text: string, n: number): string =>
      text
        .trimEnd()
        .split('\n')
        .map((l) => ' '.repeat(n) + l)
        .join('\n');
    // Printed to the serial console by the guest itself once cloud-init ran its runcmd.
    const report = `echo AIO-ADDR $(ip -4 -o addr show eth0) > /dev/ttyS0`;
    const scripts: Record<string, string> = {
      [nameA]: [
        'write_files:',
        '  - path: /root/.ssh/id_ed25519',
        "    permissions: '0600'",
        '    content: |',
        indent(privateKey, 6),
        'runcmd:',
        `  - [sh, -c, '${report}']`,
        `  - [sh, -c, 'for i in $(seq 90); do r=$(getent hosts ${nameB}.lab.test) && o=$(ssh -o StrictHostKeyChecking=no -o BatchMode=yes -o ConnectTimeout=5 -i /root/.ssh/id_ed25519 root@${nameB}.lab.test hostname) && echo "AIO-RESOLVE $r" > /dev/ttyS0 && echo "AIO-SSH-OK $o" > /dev/ttyS0 && break; sleep 5; done']`,
        '',
      ].join('\n'),
      [nameB]: ['runcmd:', `  - [sh, -c, '${report}']`, ''].join('\n'),
    };
    for (const name of [nameA, nameB]) {
      const vm = await eng.ok('AddVm', {
        name,
        cluster: { name: 'Default' },
        template: { id: must(template, 'template').id },
        initialization: {
          hostName: name,
          authorizedSshKeys: publicKey,
          nicConfigurations: [{ name: 'eth0', bootProtocol: 'dhcp', onBoot: true }],
          customScript: scripts[name] ?? '',
        },
      });
      vmIds.push(vm.id);
      for (let i = 0; i < 600 && (await eng.ok('GetVmById', { id: vm.id })).status !== 'down'; i++)
        await sleep(100);
      await eng.ok('AddVmInterface', { vmId: vm.id, name: 'nic1', vnicProfileId: profile.id });
    }
    // The engine planned one address per vNIC and serves it before the guests ask.
    let seg = await eng.ok('GetNetworkSegment', { id: net.id });
    for (let i = 0; i < 100 && seg.leases.length < 2; i++) {
      await sleep(100);
      seg = await eng.ok('GetNetworkSegment', { id: net.id });
    }
    const ipOf = (vmId: string): string =>
      must(seg.leases.find((l) => l.vmId === vmId) ?? null, 'lease').ip;
    const [idA, idB] = vmIds as [string, string];
    for (const id of vmIds) await eng.ok('RunVm', { id });

    const logOf = (id: string): string => join(eng.dir, 'vms', id, 'serial.log');
    for (const id of vmIds) {
      const text = await waitForSerial(logOf(id), /AIO-ADDR \d+: eth0/, 480_000);
      expect(text).toMatch(
        new RegExp(`AIO-ADDR \\d+: eth0\\s+inet ${ipOf(id).replace(/\./g, '\\.')}/24 `),
      );
    }
    const a = await waitForSerial(logOf(idA), /AIO-SSH-OK \S+/, 480_000);
    expect(a).toMatch(
      new RegExp(`AIO-RESOLVE ${ipOf(idB).replace(/\./g, '\\.')}\\s+${nameB}\\.lab\\.test`),
    );
    expect(a).toMatch(new RegExp(`AIO-SSH-OK ${nameB}`));
    // The leases show through oVirt's reported devices.
    const devices = await eng.ok('GetVmReportedDevices', { id: idB });
    expect(devices[0]?.ips).toEqual([{ address: ipOf(idB), version: 'v4' }]);
  }, 1_200_000);
});
