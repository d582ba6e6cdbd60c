// SPDX-License-Identifier: Apache-2.0
/**
 * `aio lab import lab.aio [--name N]`: verify, check for clashes, remap, create, and on any
 * failure take back what this import created.
 *
 * 1. Unpack into a private temporary directory and verify every member against the manifest
 *    (bundle/archive.ts). A corrupted or truncated bundle stops here: nothing was created.
 * 2. Read what the target has — the engine's labs, networks (names, address plans), VMs and
 *    NIC MACs; when the engine is on this machine, also the host's devices, routes and other
 *    labs' segments (bundle/host-view.ts) — and remap the lab (bundle/remap.ts). The changes
 *    are printed before anything is created.
 * 3. Apply the remapped lab with the same plan/apply path as `aio lab apply` (lab object,
 *    networks, VMs, each tagged), then upload every disk through `/imagetransfers` and attach
 *    it to its VM (so each disk belongs to a lab VM as soon as it is attached).
 * 4. On any failure in 3: destroy what the lab has (its VMs, networks, the lab object) and
 *    delete every disk this import uploaded, then report the original error.
 * 5. Unless `--no-start`, start the lab in waves (`aio lab start`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type EngineClient, EngineFault, text } from '../engine/client';
import { LabApplier } from './apply';
import { LAB_FILE, openBundle } from './bundle/archive';
import { isLocalEngine, macTail, readHostView } from './bundle/host-view';
import { forget, ImportJournal, interruptedImports } from './bundle/journal';
import { labToYaml } from './bundle/lab-yaml';
import { type Change, remapLab, type Taken } from './bundle/remap';
import { dataDomainId, uploadDisk } from './bundle/transfer';
import { type Say, stepProgress } from './export';
import { loadLab } from './load';
import type { Lab } from './model';
import { hasChanges, planLab } from './plan';
import { startLab, type StartOutcome } from './start';
import { type EngineResource, type EngineState, readEngineState } from './state';

export interface ImportOptions {
  readonly name?: string;
  readonly start: boolean;
  readonly parallelism?: number;
  /** The engine's URL (its host is read here when it is this machine). */
  readonly url: string;
}

export interface ImportResult {
  readonly lab: string;
  readonly labFile: string;
  readonly changes: readonly Change[];
  readonly disks: number;
  readonly start: StartOutcome | null;
}

/** The import failed after creating something; all of it was removed again. */
export class ImportRolledBack extends Error {}

/** What the engine (and, for a local engine, the host) already has. */
async function takenOnTarget(
  client: EngineClient,
  local: boolean,
  wantMacs: boolean,
): Promise<{ taken: Taken; macs: Map<string, string> }> {
  const state = await readEngineState(client, 'Default', () => false);
  const host = local ? await readHostView() : null;
  const macs = new Map<string, string>();
  if (wantMacs) {
    for (const v of state.vms) {
      for (const n of await client.list(`/vms/${v.id}/nics`, 'nic')) {
        const mac = text(n, 'mac.address');
        if (mac !== undefined) macs.set(mac.toLowerCase(), `VM ${v.name} of this engine`);
      }
    }
    for (const tail of host?.tapMacTails ?? []) {
      if (![...macs.keys()].some((m) => macTail(m) === tail))
        macs.set(`*:${tail}`, 'a running guest on this host');
    }
  }
  return {
    taken: {
      labNames: new Set(state.labs.map((l) => l.name)),
      networkNames: new Set(state.networks.map((n) => n.name)),
      hostDevices: host?.devices ?? new Set(),
      vmNames: new Set(state.vms.map((v) => v.name)),
      subnets: [
        ...state.networks.flatMap((n) =>
          n.addressPlan === null
            ? []
            : [
                {
                  cidr: n.addressPlan.cidr,
                  source: `address plan of network ${n.name} in the engine`,
                },
              ],
        ),
        ...(host?.subnets ?? []),
      ],
    },
    macs,
  };
}

/** The device name in the engine's refusal of a network name its host uses, or null. */
export function deviceRefusedByHost(err: unknown): string | null {
  if (!(err instanceof EngineFault)) return null;
  const m = /'([^']+)' is already a device of this host/.exec(err.detail);
  return m?.[1] ?? null;
}

function macTakenBy(macs: ReadonlyMap<string, string>, mac: string): string | undefined {
  return macs.get(mac.toLowerCase()) ?? macs.get(`*:${macTail(mac)}`);
}

/**
 * The import creates each network and VM, then tags it with the lab in a second call; a CLI
 * killed between the two leaves it untagged. Its name was free when the import began (the clash
 * check remapped it so), so an untagged network or VM with a name the lab declares is the
 * import's own and is undone with the rest.
 */
function adoptUntagged(lab: Lab, state: EngineState): EngineState {
  const declared = new Set([...lab.networks.map((n) => n.name), ...lab.vms.map((v) => v.name)]);
  const adopt = <T extends EngineResource>(r: T): T =>
    r.lab === null && declared.has(r.name) ? { ...r, lab: lab.name } : r;
  return { ...state, networks: state.networks.map(adopt), vms: state.vms.map(adopt) };
}

/** Removes the lab's members and the lab (as `aio lab destroy`), then the uploaded disks. */
async function compensate(
  client: EngineClient,
  lab: Lab,
  disks: readonly string[],
  say: Say,
): Promise<string[]> {
  const problems: string[] = [];
  try {
    const state = adoptUntagged(
      lab,
      await readEngineState(client, lab.cluster, (vm) => vm.lab === lab.name),
    );
    const plan = planLab(lab, state, true);
    if (hasChanges(plan) || plan.labAction === 'remove')
      await new LabApplier(client, lab, state, (l) => {
        say(`  undo: ${l}`);
      }).run(plan);
  } catch (err) {
    problems.push(`removing lab ${lab.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  for (const id of disks) {
    try {
      await client.call('DELETE', `/disks/${id}`);
      say(`  undo: ✓ remove disk ${id}`);
    } catch (err) {
      // Removed with its VM already: nothing left to undo.
      if (!(err instanceof EngineFault && err.status === 404))
        problems.push(`removing disk ${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

/**
 * Undoes imports into this engine that were interrupted (their CLI died before finishing or
 * undoing): their lab's members and lab object, and the disks they had created.
 */
export async function recoverInterrupted(
  client: EngineClient,
  url: string,
  say: Say,
): Promise<void> {
  for (const { file, record } of interruptedImports(url)) {
    say(
      `an earlier import of lab ${record.lab} (pid ${record.pid}, ${record.started}) was interrupted: undoing it`,
    );
    const loaded = loadLab(record.labFile);
    if (!loaded.ok) {
      say(`  its record holds no valid lab file; left as is: ${file}`);
      continue;
    }
    const problems = await compensate(client, loaded.lab, record.disks, say);
    if (problems.length === 0) forget(file);
    else say(`  not everything could be undone (${problems.join('; ')}); will try again next time`);
  }
}

export async function importLab(
  client: EngineClient,
  bundle: string,
  opts: ImportOptions,
  say: Say,
): Promise<ImportResult> {
  const dir = mkdtempSync(join(tmpdir(), 'aio-import-'));
  try {
    await recoverInterrupted(client, opts.url, say);
    say(`verify ${bundle}`);
    const opened = await openBundle(bundle, dir);
    const { manifest } = opened;
    say(
      `  ✓ ${manifest.members.length} member(s), every sha256 matches; lab ${opened.lab.name}, ${manifest.disks.length} disk image(s)`,
    );

    const local = isLocalEngine(opts.url);
    const { taken, macs } = await takenOnTarget(client, local, manifest.macs.length > 0);
    if (!local) say('  (remote engine: host devices and routes are checked by the engine itself)');
    // Device names the engine's host refused (a remote host's devices are not visible from
    // here): each one found adds to the clash check, and the import is undone and tried again.
    const refused = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const remapped = remapLab(
        opened.lab,
        { ...taken, hostDevices: new Set([...taken.hostDevices, ...refused]) },
        opts.name,
      );
      const lab = remapped.lab;
      const changes: Change[] = [...remapped.changes];
      for (const c of changes) say(`  remap ${c.kind} ${c.from} → ${c.to}: ${c.reason}`);
      const labFile = join(dir, `remapped-${LAB_FILE}`);
      writeFileSync(labFile, labToYaml(lab));

      const vmName = new Map(opened.lab.vms.map((v, i) => [v.name, lab.vms[i]?.name ?? v.name]));
      const uploaded: string[] = [];
      // Written before the first change: a CLI killed from here on is undone by the next import.
      const journal = new ImportJournal(opts.url, lab.name, labToYaml(lab));
      try {
        const state = await readEngineState(client, lab.cluster, (vm) => vm.lab === lab.name);
        const plan = planLab(lab, state, false);
        if (plan.conflicts.length > 0)
          throw new Error(`the remapped lab still conflicts: ${plan.conflicts.join('; ')}`);
        await new LabApplier(client, lab, state, (l) => {
          say(`  ${l}`);
        }).run(plan);

        if (manifest.disks.length > 0) {
          const sd = await dataDomainId(client);
          const vmIds = new Map(
            (await client.list(`/vms`, 'vm')).map((v) => [
              text(v, 'name') ?? '',
              text(v, 'id') ?? '',
            ]),
          );
          for (const d of manifest.disks) {
            const vm = vmName.get(d.vm) ?? d.vm;
            const vmId = vmIds.get(vm);
            if (vmId === undefined) throw new Error(`disk ${d.name}: no VM ${vm} after apply`);
            const id = await uploadDisk(
              client,
              {
                name: d.name,
                description: d.description,
                virtualSize: d.virtualSize,
                storageDomainId: sd,
              },
              opened.path(d.file),
              stepProgress(say, `upload disk ${d.name} of ${vm}`),
              (created) => {
                uploaded.push(created);
                journal.addDisk(created);
              },
            );
            await client.call('POST', `/vms/${vmId}/diskattachments`, {
              disk: { id },
              bootable: d.bootable,
              interface: d.interface,
              active: d.active,
            });
            say(`  ✓ attach disk ${d.name} to ${vm}`);
          }
        }

        // MACs: a lab file carries none, so the target engine's pool assigned new ones; report
        // each that differs from the bundle's, and why the old one could not be kept.
        for (const m of manifest.macs) {
          const vm = vmName.get(m.vm) ?? m.vm;
          const hit = (
            await client.list(`/vms?search=${encodeURIComponent(`name=${vm}`)}`, 'vm')
          ).find((v) => text(v, 'name') === vm);
          if (hit === undefined) continue;
          const nic = (await client.list(`/vms/${text(hit, 'id') ?? ''}/nics`, 'nic')).find(
            (n) => text(n, 'name') === m.nic,
          );
          const now = text(nic, 'mac.address');
          if (now === undefined || now.toLowerCase() === m.mac.toLowerCase()) continue;
          const by = macTakenBy(macs, m.mac);
          const change: Change = {
            kind: 'mac',
            subject: `${vm}/${m.nic}`,
            from: m.mac,
            to: now,
            reason:
              by !== undefined
                ? `${m.mac} is in use by ${by}`
                : "assigned by the engine's MAC pool",
          };
          changes.push(change);
          say(`  remap mac ${change.subject} ${change.from} → ${change.to}: ${change.reason}`);
          const clash = macTakenBy(macs, now);
          if (clash !== undefined)
            say(`  warning: ${vm}/${m.nic} got ${now}, also used by ${clash}`);
        }
      } catch (err) {
        say(
          `import failed: ${err instanceof Error ? err.message : String(err)}; removing what it created`,
        );
        const problems = await compensate(client, lab, uploaded, say);
        if (problems.length === 0) journal.done();
        const device = deviceRefusedByHost(err);
        if (problems.length === 0 && device !== null && !refused.has(device) && attempt < 8) {
          say(`the engine's host already has a device "${device}": remapping it and trying again`);
          refused.add(device);
          continue;
        }
        const cause = err instanceof Error ? err.message : String(err);
        throw new ImportRolledBack(
          problems.length === 0
            ? `import of ${bundle} failed and was undone: ${cause}`
            : `import of ${bundle} failed (${cause}); undoing it left: ${problems.join('; ')}`,
        );
      }
      journal.done();
      say(
        `lab ${lab.name} imported (${lab.networks.length} network(s), ${lab.vms.length} VM(s), ${manifest.disks.length} disk(s))`,
      );

      let start: StartOutcome | null = null;
      if (opts.start && lab.vms.length > 0) {
        const labId = (await client.list('/labs', 'lab')).find((l) => text(l, 'name') === lab.name);
        start = await startLab(
          client,
          text(labId, 'id') ?? '',
          lab,
          opts.parallelism === undefined ? {} : { parallelism: opts.parallelism },
          (l) => {
            say(`  ${l}`);
          },
        );
      }
      return {
        lab: lab.name,
        labFile: labToYaml(lab),
        changes,
        disks: manifest.disks.length,
        start,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
