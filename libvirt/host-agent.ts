// SPDX-License-Identifier: Apache-2.0
/**
 * The one interface between the engine (our ovirt-engine) and the host layer (our VDSM).
 * The engine imports only this file from libvirt/: types, and the factory signature.
 * Everything here speaks in on-host names (bridge names = the network's `vdsm_name`) and
 * typed descriptions; XML and iproute2 stay inside the host layer.
 *
 * Failures are thrown as `HostError` (main/contract/errors.ts) with a `HostErrorCode`.
 */

// ── Capabilities ────────────────────────────────────────────────────────────────────────

export type Accelerator = 'kvm' | 'tcg';

/** A physical (or dummy/veth) NIC as the kernel reports it. Bridges, taps and loopback excluded. */
export interface HostNicReport {
  readonly name: string;
  readonly mac: string;
  readonly mtu: number;
  /** Largest MTU the device accepts (`ip -d -json link` max_mtu). */
  readonly maxMtu: number;
  /** Mb/s from /sys/class/net/<nic>/speed; null when the driver does not say. */
  readonly speedMbps: number | null;
  readonly linkUp: boolean;
  /** The bridge this NIC is enslaved to, if any. */
  readonly master: string | null;
  readonly ipv4: readonly string[];
}

export interface BridgeReport {
  readonly name: string;
  readonly mtu: number;
  readonly up: boolean;
  readonly stp: boolean;
  /** Enslaved devices (NICs and VM taps). */
  readonly ports: readonly string[];
  /** CIDR strings, e.g. `10.0.0.1/24`. */
  readonly ipv4: readonly string[];
  /** CIDR strings of every IPv6 address, link-local included. */
  readonly ipv6: readonly string[];
}

export interface HostCapabilities {
  readonly hostname: string;
  readonly nics: readonly HostNicReport[];
  readonly bridges: readonly BridgeReport[];
  readonly accelerator: Accelerator;
  /** Total memory in bytes and CPU count, for the host entity. */
  readonly memoryBytes: number;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly osName: string;
  readonly libvirtVersion: string;
}

// ── setupNetworks (VDSM's verb) ────────────────────────────────────────────────────────

/**
 * Desired attributes of one network on this host. Omitted fields take their defaults during
 * canonicalization: `mtu` 1500, `bridged` true, `stp` false, `nic` none (NIC-less).
 */
export interface NetworkSetup {
  /** Host NIC to enslave; absent for a NIC-less (isolated) network. */
  readonly nic?: string;
  /** 0 or absent means the default, 1500. */
  readonly mtu?: number;
  readonly bridged?: true;
  readonly stp?: boolean;
}

/**
 * A setupNetworks request: networks keyed by on-host name. Networks not named are left
 * alone. `{ remove: true }` removes a network (its bridge); VM taps on it must be gone.
 *
 * Semantics: canonicalize → validate against host facts → desired state (pure) → apply →
 * read back and verify → on any failure roll back to the exact previous state and throw
 * the original error (`SETUP_NETWORKS_ROLLBACK` wrapping the cause).
 */
export interface SetupNetworksRequest {
  readonly networks: Readonly<Record<string, NetworkSetup | { readonly remove: true }>>;
}

/** What the host reports for one network it carries (or should carry). */
export interface ReportedNetwork {
  readonly name: string;
  /** False when the bridge is missing. */
  readonly exists: boolean;
  readonly mtu: number | null;
  readonly nic: string | null;
  readonly bridged: boolean;
  readonly stp: boolean | null;
  /** Ports other than `nic` (VM taps). */
  readonly taps: readonly string[];
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  // Additive (host layer): optional so existing producers of ReportedNetwork still compile.
  /** Administratively up; absent when the bridge is missing. */
  readonly up?: boolean;
  /** Ports that are neither `nic` nor VM taps (always drift). */
  readonly otherPorts?: readonly string[];
  /** IPv6 fully off on the bridge (addrgenmode none + disable_ipv6), so no address can appear. */
  readonly ipv6Disabled?: boolean;
  /** The host ignores ARP for its addresses on the bridge and drops guest packets (rp_filter). */
  readonly ipv4HostBlocked?: boolean;
}

export type DriftField = 'missing' | 'mtu' | 'nic' | 'ports' | 'ipv4' | 'ipv6' | 'stp' | 'down';

export interface NetworkDrift {
  readonly field: DriftField;
  readonly expected: string;
  readonly actual: string;
}

// ── Statistics ─────────────────────────────────────────────────────────────────────────

/** Kernel counters of one device (/sys/class/net/<dev>/statistics). */
export interface DeviceCounters {
  readonly device: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxErrors: number;
  readonly txErrors: number;
  readonly rxDropped: number;
  readonly txDropped: number;
  /** Milliseconds since the epoch when the counters were read. */
  readonly sampledAt: number;
}

/** Rates between two samples, per second. */
export interface DeviceRates {
  readonly device: string;
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
  readonly rxPacketsPerSecond: number;
  readonly txPacketsPerSecond: number;
}

// ── VMs ────────────────────────────────────────────────────────────────────────────────

export type NicModel = 'virtio' | 'e1000' | 'rtl8139';

export interface DomainInterfaceDesc {
  readonly mac: string;
  /** On-host bridge name of the vNIC profile's network. */
  readonly bridge: string;
  /** Network MTU, given to the tap and the guest (libvirt `<mtu size>`). */
  readonly mtu: number;
  readonly model: NicModel;
  /** Deterministic tap name (≤ 15 chars), so statistics can be read per vNIC. */
  readonly tap: string;
}

/** A static IPv4 address for one guest NIC, in the guest's own NIC naming (eth0, eth1, …). */
export interface GuestNicAddress {
  readonly nic: string;
  readonly address: string;
  readonly prefix: number;
}

/**
 * How a domain boots. `tiny` is the bundled demo guest: the host layer knows where its kernel
 * and initrd live (libvirt/tiny-guest.ts) and how to put the addresses on its command line,
 * so the engine never learns the guest's kernel command-line format.
 */
export type DomainBoot =
  | { readonly kind: 'tiny'; readonly addresses: readonly GuestNicAddress[] }
  | {
      readonly kind: 'kernel';
      readonly kernel: string;
      readonly initrd: string;
      readonly cmdline: string;
    }
  | { readonly kind: 'disk'; readonly diskPath: string };

/** Typed description of a VM, turned into domain XML in exactly one place. */
export interface DomainDesc {
  /** The engine's VM id; also the libvirt domain UUID. */
  readonly uuid: string;
  readonly name: string;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly boot: DomainBoot;
  readonly interfaces: readonly DomainInterfaceDesc[];
  /** File that receives everything written to the serial console. */
  readonly serialLogPath: string;
}

/** Domain states as the engine understands them (oVirt's VmStatus words). */
export type DomainState = 'up' | 'down' | 'paused' | 'powering_down' | 'unknown';

export interface DomainStateChange {
  readonly uuid: string;
  readonly name: string;
  readonly state: DomainState;
}

/** An interactive serial console (node-pty under the hood). */
export interface ConsoleSession {
  write(data: string): void;
  onData(listener: (data: string) => void): () => void;
  onExit(listener: (exitCode: number) => void): () => void;
  resize(cols: number, rows: number): void;
  close(): void;
}

// ── The agent ──────────────────────────────────────────────────────────────────────────

export interface HostAgent {
  /** NICs, bridges and the accelerator. @throws HOST_COMMAND_FAILED */
  getCapabilities(): Promise<HostCapabilities>;

  /**
   * Apply a setupNetworks request atomically (see {@link SetupNetworksRequest}).
   * Returns what the host reports afterwards for every network named in the request.
   * @throws HOST_NETWORK_INVALID (nothing touched), SETUP_NETWORKS_ROLLBACK (rolled back)
   */
  setupNetworks(request: SetupNetworksRequest): Promise<Record<string, ReportedNetwork>>;

  /** Report the named networks as they are on the host now (missing ones with exists=false). */
  reportNetworks(names: readonly string[]): Promise<Record<string, ReportedNetwork>>;

  /** Compare a report with the desired setup (pure; exposed so the engine stores drift). */
  networkDrift(desired: NetworkSetup, reported: ReportedNetwork): NetworkDrift[];

  /** Persist the running network config so it survives a host restart (commitnetconfig). */
  commitNetworkConfig(): Promise<void>;

  /** Kernel counters of a bridge or tap. @throws HOST_COMMAND_FAILED when the device is gone */
  deviceCounters(device: string): Promise<DeviceCounters>;

  /** Define and start a VM (transient definitions are not used: the engine owns the config). */
  domainStart(desc: DomainDesc): Promise<void>;
  /** ACPI shutdown, then power off after `timeoutMs`. Resolves when the domain is down. */
  domainShutdown(uuid: string, timeoutMs: number): Promise<void>;
  /** Hard power off. */
  domainPowerOff(uuid: string): Promise<void>;
  /** Remove the definition (the domain must be down). No-op when it does not exist. */
  domainUndefine(uuid: string): Promise<void>;
  domainState(uuid: string): Promise<DomainState>;
  domainList(): Promise<DomainStateChange[]>;
  /** Subscribe to state changes (delivered within ~1 s). Returns the unsubscribe function. */
  onDomainStateChange(listener: (change: DomainStateChange) => void): () => void;
  /** Open the serial console of a running domain. */
  domainConsole(uuid: string): Promise<ConsoleSession>;

  /** Release the libvirt connection and timers. */
  close(): Promise<void>;
}

/** Options the composition root passes to the host agent factory. */
export interface HostAgentOptions {
  /** Where the agent keeps its running and persisted network config. */
  readonly stateDir: string;
  /** libvirt URI, default `qemu:///system`. */
  readonly libvirtUri?: string;
}

export type HostAgentFactory = (options: HostAgentOptions) => HostAgent;

// Additive (host layer): the pure rates function, so the engine can compute rates from two
// `deviceCounters` samples without importing anything else from libvirt/.
export { deviceRates } from './network/statistics';
