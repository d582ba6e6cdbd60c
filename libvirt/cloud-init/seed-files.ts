// SPDX-License-Identifier: Apache-2.0
/**
 * The three files of a cloud-init NoCloud seed, rendered from oVirt's `initialization`. Pure
 * (the password arrives already hashed). YAML is written by the `yaml` package (never by string
 * concatenation); `custom_script` must parse as a YAML mapping (or be a `#!` script) and becomes
 * a second part of a MIME multipart user-data, so cloud-init merges it after the generated
 * config instead of us splicing two YAML texts.
 *
 * - `meta-data`: `instance-id` (changes with the configuration, so cloud-init applies a new
 *   one) and `local-hostname`.
 * - `user-data`: `#cloud-config` with host name, user, password hash, SSH keys, time zone.
 * - `network-config`: version 2, every NIC matched by MAC (`match.macaddress`) and renamed to
 *   the name oVirt uses, so the guest's own interface naming does not matter.
 *
 * @see https://cloudinit.readthedocs.io/en/latest/reference/datasources/nocloud.html
 * @see https://cloudinit.readthedocs.io/en/latest/reference/network-config-format-v2.html
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

import { parse, stringify } from 'yaml';

import { type CanonicalFamily, canonicalizeNics, type CanonicalNic } from './nic-config';
import type { CloudInitSeedRequest } from './types';

export interface SeedFiles {
  readonly instanceId: string;
  readonly metaData: string;
  readonly userData: string;
  readonly networkConfig: string;
}

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const TIMEZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/;
const SSH_KEY = /^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( [^\p{Cc}]*)?$/u;
const VM_ID = /^[A-Za-z0-9-]{1,64}$/;

const isDomain = (d: string): boolean =>
  d.length <= 253 && d.split('.').every((l) => LABEL.test(l));
const words = (s: string | undefined): string[] => (s ?? '').split(/\s+/).filter(Boolean);

/** Problems with a request (empty = fine). The password itself is never quoted. */
export function seedProblems(request: CloudInitSeedRequest): string[] {
  const init = request.initialization;
  const problems: string[] = [];
  if (!VM_ID.test(request.vmId))
    problems.push(`vm id ${JSON.stringify(request.vmId)} is not valid`);
  if (init.hostName !== undefined && !isDomain(init.hostName))
    problems.push(`host_name ${JSON.stringify(init.hostName)} is not a host name`);
  if (init.userName !== undefined && !USER.test(init.userName))
    problems.push(`user_name ${JSON.stringify(init.userName)} is not a user name`);
  if (init.timezone !== undefined && (!TIMEZONE.test(init.timezone) || init.timezone.length > 64))
    problems.push(`timezone ${JSON.stringify(init.timezone)} is not a time zone name`);
  if (
    init.rootPassword !== undefined &&
    (init.rootPassword === '' || /[\n\r\0]/.test(init.rootPassword))
  )
    problems.push('root_password must be one non-empty line');
  for (const key of sshKeys(init.authorizedSshKeys))
    if (!SSH_KEY.test(key))
      problems.push(
        `authorized_ssh_keys: ${JSON.stringify(key.slice(0, 40))}… is not an OpenSSH public key`,
      );
  for (const s of words(init.dnsServers))
    if (isIP(s) === 0) problems.push(`dns_servers: ${JSON.stringify(s)} is not an address`);
  for (const d of words(init.dnsSearch))
    if (!isDomain(d)) problems.push(`dns_search: ${JSON.stringify(d)} is not a domain`);
  const nics = canonicalizeNics(init.nicConfigurations ?? [], request.nics);
  if ('problems' in nics) problems.push(...nics.problems);
  const script = init.customScript ?? '';
  if (script.trim() !== '' && !script.startsWith('#!')) {
    try {
      const parsed: unknown = parse(script);
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed)))
        problems.push('custom_script: cloud-config must be a YAML mapping');
    } catch (error) {
      const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
      problems.push(`custom_script is not valid YAML: ${why ?? ''}`);
    }
  }
  return problems;
}

/**
 * YAML text of a value: block style, long lines (SSH keys) never folded, and quoted for YAML
 * 1.1 — cloud-init reads with PyYAML, which takes an unquoted MAC such as 52:54:00:00:00:01
 * for a base-60 number.
 */
function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, version: '1.1' });
}

function sshKeys(text: string | undefined): string[] {
  return (text ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
}

/** The instance id: VM id + a digest of everything the seed is made from. */
export function instanceIdFor(request: CloudInitSeedRequest): string {
  const digest = createHash('sha256')
    .update(JSON.stringify([request.initialization, request.nics]))
    .digest('hex')
    .slice(0, 12);
  return `iid-${request.vmId}-${digest}`;
}

/** cloud-init network-config v2 for the canonical NICs (null when there is nothing to say). */
export function networkConfigFor(
  nics: readonly CanonicalNic[],
  dnsServers: readonly string[],
  dnsSearch: readonly string[],
): Record<string, unknown> | null {
  if (nics.length === 0) return null;
  const ethernets: Record<string, unknown> = {};
  for (const nic of nics) {
    const eth: Record<string, unknown> = { match: { macaddress: nic.mac }, 'set-name': nic.name };
    const addresses: string[] = [];
    const apply = (f: CanonicalFamily, v: 4 | 6): void => {
      eth[`dhcp${v}`] = f.mode === 'dhcp' || (f.mode === 'autoconf' && f.dhcp);
      if (v === 6 && f.mode === 'autoconf') eth['accept-ra'] = true;
      if (f.mode === 'static') {
        addresses.push(`${f.address}/${f.prefix}`);
        if (f.gateway !== null) eth[`gateway${v}`] = f.gateway;
      }
    };
    apply(nic.ipv4, 4);
    apply(nic.ipv6, 6);
    if (addresses.length > 0) eth.addresses = addresses;
    // Only with servers: Debian 12's cloud-init (22.4) rejects a `nameservers` without
    // `addresses` ("Command missing {'address'}", seen on the debian-12 console) and drops it;
    // a search list alone has no place in network-config there.
    if (dnsServers.length > 0) {
      eth.nameservers = {
        addresses: [...dnsServers],
        ...(dnsSearch.length > 0 ? { search: [...dnsSearch] } : {}),
      };
    }
    ethernets[nic.name] = eth;
  }
  return { version: 2, ethernets };
}

/** The generated cloud-config (without custom_script). */
export function cloudConfigFor(
  request: CloudInitSeedRequest,
  passwordHash: string | null,
): Record<string, unknown> {
  const init = request.initialization;
  const config: Record<string, unknown> = {};
  if (init.hostName !== undefined) {
    const [short] = init.hostName.split('.');
    config.hostname = short;
    if (init.hostName.includes('.')) config.fqdn = init.hostName;
    config.manage_etc_hosts = true;
  }
  if (init.timezone !== undefined) config.timezone = init.timezone;
  if (init.regenerateSshKeys !== undefined) config.ssh_deletekeys = init.regenerateSshKeys;
  const user = init.userName ?? 'root';
  const keys = sshKeys(init.authorizedSshKeys);
  if (keys.length > 0 || user !== 'root') {
    const entry: Record<string, unknown> = { name: user, lock_passwd: false };
    if (keys.length > 0) entry.ssh_authorized_keys = keys;
    if (user !== 'root') {
      entry.shell = '/bin/bash';
      entry.sudo = 'ALL=(ALL) NOPASSWD:ALL';
    }
    config.users = [entry];
  }
  if (user === 'root' && (keys.length > 0 || passwordHash !== null)) config.disable_root = false;
  if (passwordHash !== null) {
    // As oVirt: the password is the account's, never expires, and SSH accepts it.
    config.chpasswd = {
      expire: false,
      users: [{ name: user, password: passwordHash, type: 'hash' }],
    };
    config.ssh_pwauth = true;
  }
  return config;
}

/** user-data: one `#cloud-config`, or MIME multipart with the custom script merged after it. */
export function userDataFor(
  cloudConfig: Record<string, unknown>,
  customScript: string | undefined,
): string {
  const ours = `#cloud-config\n${toYaml(cloudConfig)}`;
  if (customScript === undefined || customScript.trim() === '') return ours;
  const script = customScript.endsWith('\n') ? customScript : `${customScript}\n`;
  const type = script.startsWith('#!') ? 'text/x-shellscript' : 'text/cloud-config';
  const custom =
    type === 'text/cloud-config' && !script.startsWith('#cloud-config')
      ? `#cloud-config\n${script}`
      : script;
  const boundary = `==AIO-LAB-${createHash('sha256').update(ours).update(custom).digest('hex').slice(0, 24)}==`;
  return [
    'Content-Type: multipart/mixed; boundary="' + boundary + '"',
    'MIME-Version: 1.0',
    '',
    `--${boundary}`,
    'Content-Type: text/cloud-config; charset="utf-8"',
    'Content-Disposition: attachment; filename="aio-lab.cfg"',
    '',
    ours,
    `--${boundary}`,
    `Content-Type: ${type}; charset="utf-8"`,
    'Content-Disposition: attachment; filename="custom-script"',
    // Lists append and maps merge, so a custom runcmd adds to ours rather than replacing it.
    'Merge-Type: list(append)+dict(no_replace,recurse_list)+str()',
    '',
    custom,
    `--${boundary}--`,
    '',
  ].join('\n');
}

/**
 * All three files. Call {@link seedProblems} first; this assumes a valid request.
 * @param passwordHash SHA-512 crypt hash of `root_password`, or null when none is given
 */
export function renderSeedFiles(
  request: CloudInitSeedRequest,
  passwordHash: string | null,
): SeedFiles {
  const init = request.initialization;
  const nics = canonicalizeNics(init.nicConfigurations ?? [], request.nics);
  const network = networkConfigFor(
    'nics' in nics ? nics.nics : [],
    words(init.dnsServers),
    words(init.dnsSearch),
  );
  const instanceId = instanceIdFor(request);
  const meta: Record<string, string> = { 'instance-id': instanceId };
  if (init.hostName !== undefined) meta['local-hostname'] = init.hostName;
  return {
    instanceId,
    metaData: toYaml(meta),
    userData: userDataFor(cloudConfigFor(request, passwordHash), init.customScript),
    // Empty = no network-config file at all: cloud-init then falls back to DHCP on the first
    // NIC, which is what a VM without nic_configurations expects.
    networkConfig: network === null ? '' : toYaml(network),
  };
}
