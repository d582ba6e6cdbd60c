// SPDX-License-Identifier: Apache-2.0
/**
 * Lab file → {@link Lab}, or every problem found, each at its line, column and field.
 * Three passes, each only when the previous one found nothing: YAML syntax (the `yaml`
 * package keeps every node's source range), the published JSON Schema (ajv, all errors), then
 * the rules a schema cannot say (references between networks and VMs, start-order cycles,
 * addresses inside their network's plan). Nothing here talks to the engine.
 */
import { readFileSync } from 'node:fs';

import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isNode, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';

import { inCidr, ipv4ToInt, netmaskOfPrefix, splitCidr } from './ipv4';
import type { Lab, LabAddressPlan, LabError, LabNetwork, LabNic, LabVm } from './model';

/** The published schema (also usable by editors: `# yaml-language-server: $schema=…`). */
export const LAB_SCHEMA_URL = new URL('./lab.schema.json', import.meta.url);

const schema = JSON.parse(readFileSync(LAB_SCHEMA_URL, 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validateSchema = ajv.compile(schema);

export type LoadResult =
  | { readonly ok: true; readonly lab: Lab }
  | { readonly ok: false; readonly errors: readonly LabError[] };

type Path = readonly (string | number)[];

/** Parses and validates a lab file's text. */
export function loadLab(text: string): LoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ ...at(e.pos[0]), field: '', message: e.message })),
    };
  }
  const data: unknown = doc.toJS();
  /** Where a path points: the value's node, or the key itself when `key` is given. */
  const locate = (path: Path, key?: string): { line: number; column: number } => {
    let node: unknown = doc.contents;
    let last = isNode(node) && node.range ? at(node.range[0]) : at(0);
    const steps = [...path, ...(key === undefined ? [] : [key])];
    for (const [i, step] of steps.entries()) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isScalar(p.key) && String(p.key.value) === String(step),
        );
        if (pair === undefined) break;
        const keyNode = pair.key as Node;
        if (keyNode.range) last = at(keyNode.range[0]);
        // A key's own position for unknown fields; its value's for everything else.
        if (key !== undefined && i === steps.length - 1) break;
        node = pair.value;
        if (isNode(node) && node.range) last = at(node.range[0]);
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        if (isNode(node) && node.range) last = at(node.range[0]);
      } else break;
    }
    return last;
  };
  const errorAt = (path: Path, message: string, key?: string): LabError => ({
    ...locate(path, key),
    field: [...path, ...(key === undefined ? [] : [key])].join('.'),
    message,
  });

  if (!validateSchema(data)) {
    return {
      ok: false,
      errors: dedupe((validateSchema.errors ?? []).map((e) => schemaError(e, errorAt))),
    };
  }
  const errors: LabError[] = [];
  const lab = canonicalize(data as LabFile, (path, message) => errors.push(errorAt(path, message)));
  return errors.length > 0 ? { ok: false, errors: sortErrors(errors) } : { ok: true, lab };
}

function dedupe(errors: LabError[]): LabError[] {
  const seen = new Set<string>();
  return sortErrors(
    errors.filter((e) => {
      const k = `${e.line}:${e.column}:${e.field}:${e.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    }),
  );
}

function sortErrors(errors: LabError[]): LabError[] {
  return [...errors].sort((a, b) => a.line - b.line || a.column - b.column);
}

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** One ajv error in the user's words, at the node it is about. */
function schemaError(
  e: ErrorObject,
  errorAt: (path: Path, message: string, key?: string) => LabError,
): LabError {
  const path = pathOf(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return errorAt(path, 'unknown field', String(params.additionalProperty));
    case 'required':
      return errorAt(path, `missing required field "${String(params.missingProperty)}"`);
    case 'propertyNames':
      return errorAt(
        path,
        `invalid name "${String(params.propertyName)}"`,
        String(params.propertyName),
      );
    case 'pattern':
      if (path.length > 0 && e.schemaPath.includes('propertyNames')) {
        // The name itself is wrong: reported by the propertyNames error above.
        return errorAt(path.slice(0, -1), `invalid name`, String(path[path.length - 1]));
      }
      return errorAt(path, `must match ${String(params.pattern)}`);
    case 'const':
      return errorAt(path, `must be ${JSON.stringify(params.allowedValue)}`);
    case 'enum':
      return errorAt(path, `must be one of ${JSON.stringify(params.allowedValues)}`);
    default:
      return errorAt(path, e.message ?? e.keyword);
  }
}

// ---- the file's shape once the schema has accepted it ----

interface AddressPlanFile {
  cidr: string;
  gateway?: string;
  dhcp?: { start: string; end: string };
  dns_domain?: string;
  dns_servers?: string[];
}
interface NetworkFile {
  description?: string;
  isolated?: true;
  mtu?: number;
  address_plan?: AddressPlanFile;
}
interface VmFile {
  description?: string;
  template?: string;
  image?: string;
  cpus?: number;
  memory?: number | string;
  disks?: { size: string; format?: string }[];
  nics?: { network: string; address?: string }[];
  cloud_init?: { host_name?: string; user?: string; ssh_keys?: string[]; script?: string };
  group?: number;
  depends_on?: string[];
  start_delay?: number;
}
interface LabFile {
  lab: string;
  description?: string;
  cluster?: string;
  data_center?: string;
  start?: { parallelism?: number; stop_on_failure?: boolean; boot_timeout?: number };
  networks?: Record<string, NetworkFile>;
  vms?: Record<string, VmFile>;
}

const MiB = 1024 * 1024;
const DEFAULT_MEMORY = 256 * MiB;

function memoryBytes(m: number | string | undefined): number {
  if (m === undefined) return DEFAULT_MEMORY;
  if (typeof m === 'number') return m * MiB;
  const n = Number.parseInt(m, 10);
  return m.endsWith('GiB') ? n * 1024 * MiB : n * MiB;
}

type Report = (path: Path, message: string) => void;

/** Makes defaults explicit and checks what the schema cannot. */
function canonicalize(file: LabFile, report: Report): Lab {
  const networks: LabNetwork[] = Object.entries(file.networks ?? {}).map(([name, n]) => ({
    name,
    description: n.description ?? '',
    mtu: n.mtu ?? 1500,
    addressPlan: n.address_plan === undefined ? null : addressPlan(name, n.address_plan, report),
  }));
  const byName = new Map(networks.map((n) => [n.name, n]));
  const vmNames = new Set(Object.keys(file.vms ?? {}));
  const vms: LabVm[] = Object.entries(file.vms ?? {}).map(([name, v]) => {
    if (v.image !== undefined) {
      report(['vms', name, 'image'], 'images are not supported yet: use "template"');
    } else if (v.template === undefined) {
      report(['vms', name], 'missing required field "template"');
    }
    if (v.disks !== undefined && v.disks.length > 0) {
      report(['vms', name, 'disks'], 'extra disks are not supported yet');
    }
    const nics: LabNic[] = (v.nics ?? []).map((nic, i) => {
      const network = byName.get(nic.network);
      if (network === undefined) {
        report(['vms', name, 'nics', i, 'network'], `no network "${nic.network}" in this lab`);
      }
      return {
        name: `nic${i + 1}`,
        network: nic.network,
        address:
          nic.address === undefined
            ? null
            : nicAddress(nic.address, network, ['vms', name, 'nics', i, 'address'], report),
        ...(nic.address === undefined &&
        network?.addressPlan !== undefined &&
        network.addressPlan !== null
          ? { dhcp: true }
          : {}),
      };
    });
    (v.depends_on ?? []).forEach((d, i) => {
      if (!vmNames.has(d)) report(['vms', name, 'depends_on', i], `no VM "${d}" in this lab`);
      else if (d === name) report(['vms', name, 'depends_on', i], 'a VM cannot depend on itself');
    });
    const ci = v.cloud_init;
    return {
      name,
      description: v.description ?? '',
      template: v.template ?? '',
      cpus: v.cpus ?? 1,
      memoryBytes: memoryBytes(v.memory),
      nics,
      cloudInit:
        ci === undefined
          ? null
          : {
              ...(ci.host_name !== undefined ? { hostName: ci.host_name } : {}),
              ...(ci.user !== undefined ? { user: ci.user } : {}),
              sshKeys: ci.ssh_keys ?? [],
              ...(ci.script !== undefined ? { script: ci.script } : {}),
            },
      group: v.group ?? 0,
      dependsOn: v.depends_on ?? [],
      startDelaySeconds: v.start_delay ?? 0,
    };
  });
  const cycle = dependencyCycle(vms);
  if (cycle !== null) {
    report(['vms', cycle[0] ?? '', 'depends_on'], `start order has a cycle: ${cycle.join(' → ')}`);
  }
  // Two NICs given the same address on one network would clash on the segment.
  const taken = new Map<string, string>();
  for (const vm of vms) {
    vm.nics.forEach((nic, i) => {
      if (nic.address === null) return;
      const key = `${nic.network}/${nic.address.ip}`;
      const other = taken.get(key);
      if (other !== undefined) {
        report(['vms', vm.name, 'nics', i, 'address'], `${nic.address.ip} is already ${other}'s`);
      } else taken.set(key, vm.name);
    });
  }
  return {
    name: file.lab,
    cluster: file.cluster ?? 'Default',
    dataCenter: file.data_center ?? 'Default',
    start: {
      ...(file.start?.parallelism !== undefined ? { parallelism: file.start.parallelism } : {}),
      stopOnFailure: file.start?.stop_on_failure ?? false,
      ...(file.start?.boot_timeout !== undefined
        ? { bootTimeoutSeconds: file.start.boot_timeout }
        : {}),
    },
    networks,
    vms,
  };
}

function addressPlan(network: string, p: AddressPlanFile, report: Report): LabAddressPlan {
  const path = ['networks', network, 'address_plan'];
  const { ip, prefix } = splitCidr(p.cidr);
  const base = ipv4ToInt(ip);
  if (prefix < 8 || prefix > 30) report([...path, 'cidr'], 'prefix must be between /8 and /30');
  else if ((base & ~maskInt(prefix)) >>> 0 !== 0) {
    report([...path, 'cidr'], `${p.cidr} is not a network address`);
  }
  if (p.gateway !== undefined && !inCidr(p.gateway, p.cidr)) {
    report([...path, 'gateway'], `${p.gateway} is outside ${p.cidr}`);
  }
  if (p.dhcp !== undefined) {
    for (const end of ['start', 'end'] as const) {
      if (!inCidr(p.dhcp[end], p.cidr)) {
        report([...path, 'dhcp', end], `${p.dhcp[end]} is outside ${p.cidr}`);
      }
    }
    if (ipv4ToInt(p.dhcp.start) > ipv4ToInt(p.dhcp.end)) {
      report([...path, 'dhcp'], 'the range is empty (start after end)');
    }
  }
  return {
    cidr: p.cidr,
    ...(p.gateway !== undefined ? { gateway: p.gateway } : {}),
    ...(p.dhcp !== undefined ? { dhcp: { start: p.dhcp.start, end: p.dhcp.end } } : {}),
    ...(p.dns_domain !== undefined ? { dnsDomain: p.dns_domain } : {}),
    dnsServers: p.dns_servers ?? [],
  };
}

function maskInt(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function nicAddress(
  address: string,
  network: LabNetwork | undefined,
  path: Path,
  report: Report,
): { ip: string; netmask: string } | null {
  const plan = network?.addressPlan ?? null;
  if (address.includes('/')) {
    const { ip, prefix } = splitCidr(address);
    if (plan !== null && !inCidr(ip, plan.cidr)) report(path, `${ip} is outside ${plan.cidr}`);
    return { ip, netmask: netmaskOfPrefix(prefix) };
  }
  if (plan === null) {
    if (network !== undefined) {
      report(path, 'give a prefix (a.b.c.d/nn): the network has no address plan');
    }
    return null;
  }
  if (!inCidr(address, plan.cidr)) {
    report(path, `${address} is outside ${plan.cidr}`);
    return null;
  }
  const d = plan.dhcp;
  if (d !== undefined) {
    const v = ipv4ToInt(address);
    if (v >= ipv4ToInt(d.start) && v <= ipv4ToInt(d.end)) {
      report(path, `${address} is inside the DHCP range ${d.start}–${d.end}`);
    }
  }
  return { ip: address, netmask: netmaskOfPrefix(splitCidr(plan.cidr).prefix) };
}

/** A `depends_on` cycle as VM names (first repeated at the end), or null. */
function dependencyCycle(vms: readonly LabVm[]): string[] | null {
  const deps = new Map(vms.map((v) => [v.name, v.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | null => {
    const s = state.get(name);
    if (s === 'done') return null;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      if (!deps.has(d) || d === name) continue;
      const c = visit(d);
      if (c !== null) return c;
    }
    stack.pop();
    state.set(name, 'done');
    return null;
  };
  for (const v of vms) {
    const c = visit(v.name);
    if (c !== null) return c;
  }
  return null;
}
