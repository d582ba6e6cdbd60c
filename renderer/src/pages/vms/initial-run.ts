// SPDX-License-Identifier: Apache-2.0
/**
 * The "Initial run" (cloud-init) part of the VM dialogs as data: host name, user, password, SSH
 * key and, per guest NIC (eth0 = the first vNIC), a boot protocol with a static address, turned
 * into oVirt's `initialization`. A stored password is never shown: an empty password field in
 * an edit sends oVirt's mask, which keeps the stored one.
 */
import {
  HIDDEN_PASSWORD,
  type Initialization,
  type NicConfiguration,
} from '../../../../main/contract/vms';

export interface InitialRunValues {
  hostName: string;
  userName: string;
  /** Empty = none (new VM) or keep the stored one (edit, run once). */
  rootPassword: string;
  /** OpenSSH public keys, one a line. */
  sshKeys: string;
}

/** One guest NIC's addressing in the dialogs. */
export interface NicAddressing {
  bootProtocol: 'static' | 'dhcp' | 'none';
  address: string;
  prefix: string;
}

export type InitialRunErrors = Partial<Record<keyof InitialRunValues, string>>;

export const EMPTY_INITIAL_RUN: InitialRunValues = {
  hostName: '',
  userName: '',
  rootPassword: '',
  sshKeys: '',
};

const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const SSH_KEY = /^(ssh-|ecdsa-|sk-)[A-Za-z0-9@.-]+ [A-Za-z0-9+/=]+( .*)?$/;

export function validateInitialRun(v: InitialRunValues): InitialRunErrors {
  const e: InitialRunErrors = {};
  const host = v.hostName.trim();
  if (host !== '' && (host.length > 253 || !host.split('.').every((l) => LABEL.test(l))))
    e.hostName = 'Letters, digits and hyphens, in dot-separated labels.';
  if (v.userName.trim() !== '' && !/^[a-z_][a-z0-9_-]{0,31}$/.test(v.userName.trim()))
    e.userName = 'A Linux user name: lower case letters, digits, - and _.';
  if (/[\r\n]/.test(v.rootPassword)) e.rootPassword = 'One line.';
  const keys = v.sshKeys
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  if (!keys.every((k) => SSH_KEY.test(k)))
    e.sshKeys = 'OpenSSH public keys (ssh-ed25519 AAAA… comment), one a line.';
  return e;
}

/** The NIC configuration of guest NIC `eth<i>`, or null when it asks for nothing. */
export function nicConfigurationOf(i: number, n: NicAddressing): NicConfiguration | null {
  const name = `eth${String(i)}`;
  if (n.bootProtocol === 'dhcp') return { name, bootProtocol: 'dhcp' };
  if (n.bootProtocol === 'none' || n.address.trim() === '') return null;
  return {
    name,
    bootProtocol: 'static',
    ip: { address: n.address.trim(), netmask: n.prefix.trim() },
  };
}

/**
 * The initialization for the dialog's values (undefined when it asks for nothing). `base`: the
 * stored one being edited: what the dialog does not show (time zone, DNS, custom script,
 * gateways, IPv6, NICs beyond the dialog's) is kept. `keepPassword`: an empty password means
 * "the stored one" (edit, run once) rather than "none".
 */
export function toInitialization(
  v: InitialRunValues,
  nics: readonly NicAddressing[],
  keepPassword = false,
  base: Initialization | null = null,
): Initialization | undefined {
  const managed = new Set(nics.map((_n, i) => `eth${String(i)}`));
  const nicConfigurations = [
    ...(base?.nicConfigurations ?? []).filter((c) => !managed.has(c.name)),
    ...nics
      .map((n, i) => {
        const c = nicConfigurationOf(i, n);
        const old = base?.nicConfigurations.find((x) => x.name === c?.name);
        // A gateway or IPv6 set elsewhere (REST) stays when only the address is edited here.
        return c && old && c.bootProtocol === old.bootProtocol && c.ip
          ? { ...old, ip: { ...old.ip, ...c.ip } }
          : c && old
            ? { ...old, ...c, ...(c.ip ? {} : { ip: undefined }) }
            : c;
      })
      .filter((c): c is NicConfiguration => c !== null),
  ];
  const text = (s: string): string | undefined => (s.trim() === '' ? undefined : s.trim());
  const fields = {
    hostName: text(v.hostName),
    userName: text(v.userName),
    rootPassword:
      v.rootPassword !== '' ? v.rootPassword : keepPassword ? HIDDEN_PASSWORD : undefined,
    authorizedSshKeys: text(v.sshKeys),
  };
  const set = Object.fromEntries(Object.entries(fields).filter(([, x]) => x !== undefined));
  // What the dialog does not show, from the stored one (its own fields are replaced).
  const kept: Partial<Initialization> = { ...base };
  delete kept.hostName;
  delete kept.userName;
  delete kept.rootPassword;
  delete kept.authorizedSshKeys;
  const result = { ...kept, ...set, nicConfigurations };
  if (Object.keys(result).length === 1 && nicConfigurations.length === 0) return undefined;
  return result;
}

/** Dialog values from a stored initialization (the password field starts empty: kept). */
export function initialRunFrom(init: Initialization | null): InitialRunValues {
  return {
    hostName: init?.hostName ?? '',
    userName: init?.userName ?? '',
    rootPassword: '',
    sshKeys: init?.authorizedSshKeys ?? '',
  };
}

/** Per guest NIC (`count` vNICs), its addressing from a stored initialization. */
export function nicAddressingFrom(init: Initialization | null, count: number): NicAddressing[] {
  return Array.from({ length: count }, (_x, i) => {
    const c = init?.nicConfigurations.find((x) => x.name === `eth${String(i)}`);
    if (c?.bootProtocol === 'dhcp') return { bootProtocol: 'dhcp', address: '', prefix: '24' };
    if (c?.bootProtocol === 'static' && c.ip?.address)
      return { bootProtocol: 'static', address: c.ip.address, prefix: c.ip.netmask ?? '24' };
    return { bootProtocol: 'static', address: '', prefix: '24' };
  });
}
