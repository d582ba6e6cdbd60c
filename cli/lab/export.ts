// SPDX-License-Identifier: Apache-2.0
/**
 * `aio lab export NAME -o lab.aio`: one portable file with the lab as the engine has it (the
 * lab file rebuilt from the lab's members: networks with MTU and address plan, VMs with
 * template, CPUs, memory, NICs, cloud-init) and every disk of its VMs, downloaded through
 * `/imagetransfers` and rewritten as one self-contained compressed qcow2 each. A VM from a
 * template with disks is exported as `template: Blank` plus its own disks (they hold
 * everything the template gave it), so the bundle needs only what every engine has (`Blank`,
 * `tiny`). Running VMs are refused, not snapshotted: a powered-off disk is consistent without
 * any guest cooperation; stop the lab first (`aio lab stop NAME`). The bundle appears at its
 * path only once complete (written beside it, then renamed).
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import { type EngineClient, text } from '../engine/client';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleDisk,
  type BundleMac,
  compressImage,
  LAB_FILE,
  type Manifest,
  packBundle,
} from './bundle/archive';
import { labToYaml } from './bundle/lab-yaml';
import { downloadDisk } from './bundle/transfer';
import { loadLab } from './load';
import type { Lab, LabNic, LabVm } from './model';
import { readEngineState } from './state';

/** The lab cannot be exported as asked (absent, running): nothing was written. */
export class ExportRefused extends Error {}

export type Say = (line: string) => void;

/** Built-in templates every engine has; anything else is replaced by the VM's own disks. */
const PORTABLE_TEMPLATES = new Set(['Blank', 'tiny']);

function percent(done: number, total: number): string {
  return total > 0 ? `${Math.floor((100 * done) / total)}%` : `${Math.round(done / 1048576)} MiB`;
}

/** A progress reporter that prints at most every 10 % (scripts read stderr line by line). */
export function stepProgress(say: Say, label: string): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const tenth = total > 0 ? Math.floor((10 * done) / total) : Math.floor(done / (64 * 1048576));
    if (tenth === last) return;
    last = tenth;
    say(`  ${label}: ${percent(done, total)}`);
  };
}

export interface ExportResult {
  readonly file: string;
  readonly manifest: Manifest;
}

/**
 * What only the user's lab file knows (the engine does not keep it): the `start` settings and
 * each VM's start order. Taken from `file` for the VMs it names, when it is this lab's file.
 */
function withStartOrder(lab: Lab, file: Lab | undefined): Lab {
  if (file === undefined) return lab;
  if (file.name !== lab.name)
    throw new ExportRefused(`the lab file describes lab "${file.name}", not "${lab.name}"`);
  const names = new Set(lab.vms.map((v) => v.name));
  return {
    ...lab,
    start: file.start,
    vms: lab.vms.map((v) => {
      const f = file.vms.find((x) => x.name === v.name);
      return f === undefined
        ? v
        : {
            ...v,
            group: f.group,
            dependsOn: f.dependsOn.filter((d) => names.has(d)),
            startDelaySeconds: f.startDelaySeconds,
          };
    }),
  };
}

export async function exportLab(
  client: EngineClient,
  name: string,
  out: string,
  say: Say,
  file?: Lab,
): Promise<ExportResult> {
  const state = await readEngineState(client, 'Default', (vm) => vm.lab === name);
  if (!state.labs.some((l) => l.name === name))
    throw new ExportRefused(`no lab "${name}" in the engine`);
  const networks = state.networks.filter((n) => n.lab === name);
  const vms = state.vms.filter((v) => v.lab === name);
  const running = vms.filter((v) => v.status !== 'down');
  if (running.length > 0) {
    throw new ExportRefused(
      `lab ${name} has VMs that are not down (${running.map((v) => `${v.name}: ${v.status}`).join(', ')}); ` +
        `export copies powered-off disks only: stop the lab first (aio lab stop ${name})`,
    );
  }
  const templateName = new Map([...state.templates].map(([n, id]) => [id, n]));
  const networkOfProfile = new Map<string, string>();
  for (const p of await client.list('/vnicprofiles', 'vnic_profile')) {
    const net = state.networks.find((n) => n.id === text(p, 'network.id'));
    const id = text(p, 'id');
    if (net !== undefined && id !== undefined) networkOfProfile.set(id, net.name);
  }

  const staging = mkdtempSync(join(dirname(out), `.${basename(out)}.partial-`));
  try {
    mkdirSync(join(staging, 'disks'));
    const disks: BundleDisk[] = [];
    const macs: BundleMac[] = [];
    const labVms: LabVm[] = [];
    for (const v of vms) {
      const attachments = await client.list(`/vms/${v.id}/diskattachments`, 'disk_attachment');
      const nicDocs = await client.list(`/vms/${v.id}/nics`, 'nic');
      let template = templateName.get(v.templateId) ?? 'Blank';
      if (!PORTABLE_TEMPLATES.has(template)) {
        if (attachments.length === 0)
          throw new ExportRefused(
            `VM ${v.name} comes from template ${template} and has no disks of its own to carry`,
          );
        say(`VM ${v.name}: template ${template} → Blank plus the VM's own disks`);
        template = 'Blank';
      }
      let n = 0;
      for (const a of attachments) {
        const diskId = text(a, 'disk.id') ?? text(a, 'id') ?? '';
        const disk = await client.get(`/disks/${diskId}`);
        n += 1;
        const file = `disks/${v.name}-${n}.qcow2`;
        const raw = join(staging, `${v.name}-${n}.download`);
        const label = `disk ${text(disk, 'name') ?? diskId} of ${v.name}`;
        await downloadDisk(client, diskId, raw, stepProgress(say, `download ${label}`));
        say(`  compress ${label}`);
        await compressImage(raw, join(staging, file));
        rmSync(raw, { force: true });
        disks.push({
          file,
          vm: v.name,
          name: text(disk, 'name') ?? `${v.name}_Disk${n}`,
          description: text(disk, 'description') ?? '',
          virtualSize: Number(text(disk, 'provisioned_size') ?? '0'),
          bootable: text(a, 'bootable') === 'true',
          interface: text(a, 'interface') ?? 'virtio',
          active: text(a, 'active') !== 'false',
        });
      }
      const nics: LabNic[] = [...v.nics]
        .sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }))
        .map((nic, i) => {
          const addr = v.initialization?.addresses.find((a) => a.name === `eth${i}`);
          const mac = text(
            nicDocs.find((d) => text(d, 'id') === nic.id),
            'mac.address',
          );
          if (mac !== undefined) macs.push({ vm: v.name, nic: nic.name, mac });
          return {
            name: `nic${i + 1}`,
            network: networkOfProfile.get(nic.profileId ?? '') ?? '',
            address:
              addr === undefined || addr.ip === '' ? null : { ip: addr.ip, netmask: addr.netmask },
          };
        });
      const init = v.initialization;
      const hasCi =
        init !== null &&
        (init.hostName !== undefined ||
          init.user !== undefined ||
          init.script !== undefined ||
          init.sshKeys.length > 0);
      labVms.push({
        name: v.name,
        description: v.description,
        template,
        cpus: v.cpus,
        memoryBytes: v.memoryBytes,
        nics,
        cloudInit: hasCi
          ? {
              ...(init.hostName !== undefined ? { hostName: init.hostName } : {}),
              ...(init.user !== undefined ? { user: init.user } : {}),
              sshKeys: init.sshKeys,
              ...(init.script !== undefined ? { script: init.script } : {}),
            }
          : null,
        group: 0,
        dependsOn: [],
        startDelaySeconds: 0,
      });
    }
    const lab: Lab = withStartOrder(
      {
        name,
        cluster: 'Default',
        dataCenter: 'Default',
        start: { stopOnFailure: false },
        networks: networks.map((n) => ({
          name: n.name,
          description: n.description,
          mtu: n.mtu,
          addressPlan: n.addressPlan,
        })),
        vms: labVms,
      },
      file,
    );
    const yaml = labToYaml(lab);
    const check = loadLab(yaml);
    if (!check.ok) {
      const e = check.errors[0];
      throw new ExportRefused(
        `the lab as the engine has it is not a valid lab file: ${e?.field ?? ''}: ${e?.message ?? ''}`,
      );
    }
    writeFileSync(join(staging, LAB_FILE), yaml);
    const partial = join(staging, 'bundle.tar');
    say(`pack ${disks.length} disk image(s) and the lab file`);
    const manifest = await packBundle(
      staging,
      partial,
      {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        created: new Date().toISOString(),
        lab: name,
        disks,
        macs,
      },
      [LAB_FILE, ...disks.map((d) => d.file)],
    );
    renameSync(partial, out);
    return { file: out, manifest };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
