// SPDX-License-Identifier: Apache-2.0
/**
 * The one interface between the engine (our ovirt-engine) and the host layer (our VDSM).
 * The engine imports only this file from libvirt/: types, and the factory signature.
 * Everything here speaks in on-host names (bridge names = the network's `vdsm_name`) and
 * typed descriptions; XML and iproute2 stay inside the host layer.
 *
 * Failures are thrown as `HostError` (main/contract/errors.ts) with a `HostErrorCode`.
 */
import type { CloudInitSeedRequest, GuestNicAddress, GuestNicDhcp } from './cloud-init/types';
import type { DeviceCounters } from './network/statistics';
export type {
  CloudInitSeedRequest,
  GuestBootProtocol,
  GuestInitialization,
  GuestNicAddress,
  GuestNicConfiguration,
  GuestNicDhcp,
} from './cloud-init/types';

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

// Drift types live beside the one function computing drift (network/drift.ts), so that file
// needs nothing from here (no import cycle); they are part of this interface.
export type { DriftField, NetworkDrift } from './network/drift';

// ── Statistics ─────────────────────────────────────────────────────────────────────────

// DeviceCounters and DeviceRates live beside the code that reads them (network/statistics.ts),
// so that file needs nothing from here (no import cycle); they are part of this interface.
export type { DeviceCounters, DeviceRates } from './network/statistics';

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

/**
 * How a domain boots. `tiny` is the bundled demo guest: the host layer knows where its kernel
 * and initrd live (libvirt/tiny-guest.ts) and how to put the addresses on its command line,
 * so the engine never learns the guest's kernel command-line format.
 */
export type DomainBoot =
  | { readonly kind: 'tiny'; readonly addresses: readonly (GuestNicAddress | GuestNicDhcp)[] }
  | {
      readonly kind: 'kernel';
      readonly kernel: string;
      readonly initrd: string;
      readonly cmdline: string;
    }
  | { readonly kind: 'disk'; readonly diskPath: string }
  /** Boot from the domain's own disks (`DomainDesc.disks`, the bootable one first). */
  | { readonly kind: 'disks' };

/** oVirt disk interfaces: `virtio` (virtio-blk), `virtio_scsi`, `sata`. */
export type DiskBus = 'virtio' | 'virtio_scsi' | 'sata';

/** One disk of a domain: the top volume of the disk's chain (backing files follow from it). */
export interface DomainDiskDesc {
  /** Absolute path of the active (top) volume; must be inside a storage domain. */
  readonly path: string;
  readonly format: VolumeFormat;
  readonly bus: DiskBus;
  /** oVirt `bootable`: boot from this disk (boot order 1). */
  readonly bootable: boolean;
  readonly readOnly?: boolean;
  /** Serial the guest sees (`/dev/disk/by-id/…`): the oVirt disk id, truncated by the host layer. */
  readonly serial: string;
}

/** Typed description of a VM, turned into domain XML in exactly one place. */
export interface DomainDesc {
  /** The engine's VM id; also the libvirt domain UUID. */
  readonly uuid: string;
  readonly name: string;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly boot: DomainBoot;
  readonly interfaces: readonly DomainInterfaceDesc[];
  /** Disks, in the VM's order (oVirt disk attachments that are active). Absent = none. */
  readonly disks?: readonly DomainDiskDesc[];
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

// ── Storage (VDSM's image verbs, over qemu-img) ──────────────────────────────────────────

/** Volume formats: oVirt `cow` = qcow2, `raw` = raw. */
export type VolumeFormat = 'qcow2' | 'raw';

/** What `qemu-img info` says of one volume file. */
export interface VolumeInfo {
  readonly path: string;
  readonly format: VolumeFormat;
  /** Guest-visible size in bytes (oVirt `provisioned_size`). */
  readonly virtualSize: number;
  /** Bytes allocated on the file system (oVirt `actual_size`). */
  readonly actualSize: number;
  /** Absolute path of the backing volume (qcow2 overlays), or null. */
  readonly backingPath: string | null;
}

/** Space of the file system holding a storage domain, in bytes (statfs). */
export interface StorageSpace {
  readonly totalBytes: number;
  readonly availableBytes: number;
  readonly usedBytes: number;
}

/** Progress callback of long volume work: fraction 0..1. */
export type VolumeProgress = (fraction: number) => void;

export interface CreateVolumeRequest {
  /** Absolute path inside a storage domain directory; must not exist yet. */
  readonly path: string;
  readonly format: VolumeFormat;
  /** Virtual size in bytes (ignored when `backing` is set and 0: the backing's size is used). */
  readonly sizeBytes: number;
  /** A qcow2 overlay on this volume (thin VM from template, snapshot layer). */
  readonly backing?: { readonly path: string; readonly format: VolumeFormat };
}

export interface CopyVolumeRequest {
  /** Source volume (its whole backing chain is read). */
  readonly source: string;
  /** Absolute path inside a storage domain; must not exist yet. */
  readonly target: string;
  readonly format: VolumeFormat;
  readonly onProgress?: VolumeProgress;
  /**
   * Additive (host layer): the source's format as the engine recorded it. Give it for every
   * volume of a storage domain: a raw disk whose guest wrote a qcow2 header at offset 0 would
   * otherwise be probed as qcow2. Omitted (a file imported by path) = probed, and a probed
   * backing chain must stay inside the storage domains.
   */
  readonly sourceFormat?: VolumeFormat;
}

/** A bundled guest image (built by `npm run setup`, e.g. Debian 12) the engine registers as a template. */
export interface BundledImage {
  /** Template name, e.g. `debian-12`. */
  readonly name: string;
  readonly description: string;
  readonly path: string;
  readonly format: VolumeFormat;
  readonly virtualSize: number;
  /** Content hash of the build inputs, so the engine can tell a rebuilt image from the one it copied. */
  readonly hash: string;
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

  /** Persist the running network config so it survives a host restart (commitnetconfig). */
  commitNetworkConfig(): Promise<void>;

  /**
   * Subscribe to changes of the networks this agent manages, from kernel events (an address,
   * a port, the link state or an isolation sysctl changed — by anyone, this agent included);
   * the listener gets the on-host names, within about a second (sysctls: a few seconds).
   * Optional: an agent without it is only re-read on activation and sync.
   * Returns the unsubscribe function.
   */
  onNetworkChange?(listener: (networks: readonly string[]) => void): () => void;

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
  domainList(): Promise<DomainStateChange[]>;
  /** Subscribe to state changes (delivered within ~1 s). Returns the unsubscribe function. */
  onDomainStateChange(listener: (change: DomainStateChange) => void): () => void;
  /** Open the serial console of a running domain. */
  domainConsole(uuid: string): Promise<ConsoleSession>;
  /** Issue 16: where a running domain's screen (VNC, loopback) listens; null when it has none. */
  domainGraphics(uuid: string): Promise<{ address: string; port: number } | null>;
  /** Issue 16: a new VNC password on a running domain, valid until `validTo`; the old one ends. */
  domainGraphicsTicket(uuid: string, password: string, validTo: Date): Promise<void>;
  /** Issue 16: whether this host's QEMU has SPICE (VMs then get a SPICE display too). */
  spiceSupported?(): Promise<boolean>;
  /** Issue 16: where a running domain's SPICE display (loopback) listens; null when none. */
  domainSpice?(uuid: string): Promise<{ address: string; port: number } | null>;
  /** Issue 16: a new SPICE password on a running domain, valid until `validTo`. */
  domainSpiceTicket?(uuid: string, password: string, validTo: Date): Promise<void>;
  /**
   * Issue 16: insert an ISO (`path`, a volume of a storage domain) into a running domain's
   * CD-ROM, or eject it (`path` null). Live only. Optional: agents without it cannot hot-change.
   */
  domainChangeMedia?(uuid: string, path: string | null): Promise<void>;
  /** Issue 16: whether a volume file is an ISO 9660 image (uploads of `iso` disks are checked). */
  isIsoImage?(path: string): Promise<boolean>;

  // Storage. Every write is atomic: written under a temporary name in the same directory and
  // renamed when complete, so a failure or a crash never leaves a half file under `path`
  // (temporary names end in `.partial`; `removeStalePartials` sweeps them at start).
  // Out of space is refused before anything is written (STORAGE_DOMAIN_SPACE_LOW).

  /** Create the directory of a localfs storage domain if missing, check it is writable, report its space. */
  prepareStorageDomain(path: string): Promise<StorageSpace>;
  /** Space of the file system holding `path`. */
  storageSpace(path: string): Promise<StorageSpace>;
  /** Delete `*.partial` files a crash left in a storage domain directory; returns their names. */
  removeStalePartials(domainPath: string): Promise<string[]>;
  /** @throws VOLUME_EXISTS, STORAGE_DOMAIN_SPACE_LOW, HOST_COMMAND_FAILED */
  createVolume(request: CreateVolumeRequest): Promise<VolumeInfo>;
  /** Copy a volume (its chain collapsed) into a standalone volume, converting the format. */
  copyVolume(request: CopyVolumeRequest): Promise<VolumeInfo>;
  /**
   * `format` (additive, optional): open the volume as this format instead of probing it; give
   * it whenever the engine knows it (see {@link CopyVolumeRequest.sourceFormat}).
   * @throws VOLUME_NOT_FOUND, VOLUME_CORRUPT
   */
  volumeInfo(path: string, format?: VolumeFormat): Promise<VolumeInfo>;
  /**
   * Check a volume before the engine calls it `ok`: readable, of `expected` format, `qemu-img
   * check` clean (qcow2), not truncated, and without a backing file unless `allowBacking`.
   * @throws VOLUME_CORRUPT
   */
  checkVolume(
    path: string,
    expected: VolumeFormat,
    options?: { readonly allowBacking?: boolean },
  ): Promise<VolumeInfo>;
  /**
   * Grow a volume's virtual size (never shrinks; same size = no-op). `format` (additive,
   * optional) as for {@link volumeInfo}. The volume must not be in use by a running domain.
   * @throws HOST_COMMAND_FAILED (shrink), STORAGE_DOMAIN_SPACE_LOW, STORAGE_PATH_INVALID
   */
  resizeVolume(path: string, sizeBytes: number, format?: VolumeFormat): Promise<VolumeInfo>;
  /**
   * Make `path` stand on `backing` (or on nothing), keeping what the guest sees (safe `qemu-img
   * rebase`): how a snapshot is removed from a chain without touching the volumes below.
   */
  rebaseVolume(
    path: string,
    backing: { readonly path: string; readonly format: VolumeFormat } | null,
  ): Promise<VolumeInfo>;
  /** Delete a volume file. No-op when it does not exist. */
  removeVolume(path: string): Promise<void>;
  /**
   * Live disk-only snapshot of a running domain: each disk whose active volume is `currentPath`
   * switches onto a new qcow2 overlay at `overlayPath` (all or none).
   */
  domainSnapshotDisks(
    uuid: string,
    disks: readonly { readonly currentPath: string; readonly overlayPath: string }[],
  ): Promise<void>;
  /** Guest images bundled by setup (cached by content hash), e.g. `debian-12`. */
  bundledImages(): Promise<BundledImage[]>;

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
// Drift is computed once, by this pure function (also the host layer's read-back check): a
// function of a report and a desired setup is no call on a host (issue 14).
export { networkDrift } from './network/drift';

// ── Segment services and guest initialization (issue 12, host layer) ──────────────────────
// Kept in one block (the interfaces below merge with HostAgent / DomainDesc above) so this
// addition never conflicts with other work on this file.

/** A static DHCP lease the engine hands out: one vNIC's MAC gets one address. */
export interface SegmentStaticLease {
  /** vNIC MAC, `52:54:00:12:34:56`. */
  readonly mac: string;
  readonly ip: string;
  /** DNS label the guest is given by DHCP (option 12); absent = none. */
  readonly hostname?: string;
}

/** A DNS name the segment's resolver answers: `<name>.<dnsDomain>` (and `<name>`) → `ip`. */
export interface SegmentName {
  /** One DNS label, e.g. the VM name `vm1`. */
  readonly name: string;
  readonly ip: string;
}

/**
 * The address plan of one isolated network: DHCP and DNS served on the segment from a network
 * namespace joined to the bridge, never from the host. Subnet fields follow oVirt's
 * `openstack_subnet` (`cidr`, `ip_version`, `gateway`, `dns_servers`); the rest are AIO
 * additions. IPv4 only for now (`v6` is refused with HOST_NETWORK_INVALID).
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#types/open_stack_subnet
 */
export interface SegmentPlan {
  /** Network address and prefix, e.g. `10.0.0.0/24` (host bits must be zero). */
  readonly cidr: string;
  readonly ipVersion: 'v4' | 'v6';
  /** Router handed out by DHCP; absent = no router option (an isolated segment has none). */
  readonly gateway?: string;
  /** Extra DNS servers handed out after the segment's own resolver. */
  readonly dnsServers?: readonly string[];
  /** Dynamic pool; absent = static leases only. */
  readonly dhcpRange?: { readonly start: string; readonly end: string };
  /** Domain the resolver is authoritative for (`local=/<domain>/`), e.g. `lab.internal`. */
  readonly dnsDomain?: string;
  /** The service's own address on the segment; default: the highest free host address. */
  readonly serviceAddress?: string;
  /** Lease time in seconds (default 3600, at least 120). */
  readonly leaseSeconds?: number;
  readonly staticLeases?: readonly SegmentStaticLease[];
  readonly names?: readonly SegmentName[];
}

/** What the host reports for the segment service of one network (read back, not the request). */
export interface SegmentReport {
  /** On-host bridge name. */
  readonly network: string;
  /** A plan is recorded for this network (false = off). */
  readonly enabled: boolean;
  /** Everything below checks out: namespace, port on the bridge, dnsmasq alive and listening. */
  readonly running: boolean;
  /** Name of the network namespace, or null when it does not exist. */
  readonly namespace: string | null;
  /** The service's address as configured in the namespace (`10.0.0.254/24`), or null. */
  readonly serviceAddress: string | null;
  /** The veth end on the host, or null when missing. */
  readonly hostPort: string | null;
  /** Bridge the host end is enslaved to (must be `network`). */
  readonly hostPortMaster: string | null;
  /** Addresses the host holds on its veth end: always empty when healthy (IPv4 and IPv6). */
  readonly hostPortAddresses: readonly string[];
  readonly dnsmasqPid: number | null;
  /** dnsmasq listens on DHCP (67/udp) and DNS (53/udp+tcp) inside the namespace. */
  readonly listening: { readonly dhcp: boolean; readonly dns: boolean };
  /** Human-readable reasons `running` is false (empty when it is true or the service is off). */
  readonly problems: readonly string[];
}

/** One lease dnsmasq handed out (its lease file). */
export interface SegmentLease {
  readonly mac: string;
  readonly ip: string;
  /** Hostname the client sent or the static lease gave; null when none. */
  readonly hostname: string | null;
  /** Milliseconds since the epoch; null for an infinite lease. */
  readonly expiresAt: number | null;
}

/** A CD-ROM of a domain: a read-only ISO file (e.g. the cloud-init `cidata` seed). */
export interface DomainCdromDesc {
  /** Absolute path of the ISO image. */
  readonly path: string;
}

export interface DomainDesc {
  /** CD-ROMs in order (virtio-scsi, read-only). Absent = none. */
  readonly cdroms?: readonly DomainCdromDesc[];
}

/** A built seed: attach `path` as a CD-ROM ({@link DomainDesc.cdroms}). */
export interface CloudInitSeed {
  readonly path: string;
  /** Changes whenever the configuration changes, so cloud-init applies it again. */
  readonly instanceId: string;
}

export interface HostAgent {
  /**
   * Serve DHCP and DNS on an isolated network from its own namespace (plan), or stop and
   * remove that service entirely (null). Idempotent; a change of leases or names only reloads
   * dnsmasq. Any failure removes whatever was half built (and restores the previous service
   * when there was one) before throwing.
   * @throws HOST_NETWORK_INVALID (bad plan or missing bridge; nothing touched),
   *   SETUP_NETWORKS_ROLLBACK (failed and rolled back)
   */
  setupSegmentServices(network: string, plan: SegmentPlan | null): Promise<SegmentReport>;
  /** Read back the segment service of a network as it is on the host now. */
  reportSegmentServices(network: string): Promise<SegmentReport>;
  /** Current DHCP leases of a network (empty when the service is off). */
  segmentLeases(network: string): Promise<SegmentLease[]>;
  /** Re-create every recorded segment service (host start); failures are reported per network. */
  restoreSegmentServices(): Promise<Record<string, SegmentReport>>;
  /**
   * Build (atomically, mode 0600) the cloud-init NoCloud seed ISO (`cidata`) of a VM.
   * @throws HOST_NETWORK_INVALID (bad initialization; nothing written), HOST_COMMAND_FAILED
   */
  cloudInitSeed(request: CloudInitSeedRequest): Promise<CloudInitSeed>;
  /** Delete a VM's seed. No-op when there is none. */
  removeCloudInitSeed(vmId: string): Promise<void>;
}

// The same `initialization` drives the tiny guest's command line (it has no cloud-init).
export { tinyAddressesFor } from './cloud-init/tiny-addresses';

// ── Host devices (issue 13 item 10: network names that can never become a bridge) ─────────

/** A kernel network device of the host. */
export interface HostDevice {
  readonly name: string;
  /** `linkinfo.info_kind` ('bridge', 'tun', 'veth', …) or null for a physical device / lo. */
  readonly kind: string | null;
  /** A bridge this host layer created or adopted (and may therefore reconfigure or delete). */
  readonly managed: boolean;
}

export interface HostAgent {
  /**
   * The device called `name` on the host, or null when there is none.
   * @throws HOST_COMMAND_FAILED when the host's devices cannot be read
   */
  hostDevice(name: string): Promise<HostDevice | null>;
}

// ── Isolation self-test (issue 13 item 7: B1 host unreachable, B2 full MTU) ───────────────

/** One check of an isolation self-test. */
export interface IsolationCheck {
  /**
   * `segment-ipv4`, `segment-ipv6` (controls: the probes reach each other), `host-ipv4`,
   * `host-ipv6-all-nodes`, `host-ipv6` (B1: the host answers nothing), `mtu` (B2).
   */
  readonly name: string;
  readonly passed: boolean;
  /** What was tried and what answered, in words. */
  readonly detail: string;
}

/** What two probes on the segment found. */
export interface IsolationTestReport {
  /** The bridge tested. */
  readonly network: string;
  readonly mtu: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly passed: boolean;
  readonly checks: readonly IsolationCheck[];
}

export interface HostAgent {
  /**
   * Attach two probes (own network namespaces, veth to the bridge) to `network`'s bridge and
   * check from them that the host answers nothing over IPv4/IPv6 and that frames of the full
   * `mtu` pass between them. The probes are always removed again.
   * @throws HOST_NETWORK_INVALID (no such bridge), HOST_COMMAND_FAILED (probes not attachable)
   */
  isolationTest(network: string, mtu: number): Promise<IsolationTestReport>;
}
// The engine checks an initialization against the seed's own rules before it stores or boots it
// (pure; the same function the agent runs before building a seed).
export { seedProblems as cloudInitProblems } from './cloud-init/seed-files';

/** Issue 16: the VM's own CD-ROM drive and boot order (libvirt/domain/cdrom.ts). */
export interface DomainDesc {
  /**
   * The VM's CD-ROM drive (oVirt's one CD-ROM), before any other CD-ROM (the seed); `path`
   * null = empty drive. Absent = no drive.
   */
  readonly cdrom?: { readonly path: string | null };
  /** Boot order (oVirt `os.boot.devices`) for `boot.kind` `disks`; absent = the disks. */
  readonly bootDevices?: readonly ('hd' | 'cdrom' | 'network')[];
}
/**
 * Issue 15: the tiny guest's ready line (`AIO-READY …`) in serial output, or null. The lab
 * start counts a tiny guest as answering once its serial log holds it.
 */
export { parseReadyLine as parseTinyGuestReadyLine } from './tiny-guest-ready';
// ── Remote hosts (issue 17): the same interface served over mutually authenticated TLS ─────
// The implementation (libvirt/agent-server/client.ts) is handed to the engine by the
// composition root (EngineOptions.connectRemoteHost): re-exporting it here would make this file
// and the client import each other.

/** Where and how the engine reaches a remote host's agent. */
export interface RemoteHostTarget {
  /** The engine's id of the host: its certificate must say `host:<hostId>`. */
  readonly hostId: string;
  readonly address: string;
  readonly port: number;
  /** The engine's client key and certificate, and the engine CA (PEM). */
  readonly tls: { readonly key: string; readonly cert: string; readonly ca: string };
  /**
   * `fingerprint256` of the certificate the engine signed at enrollment: a certificate from an
   * earlier enrollment of the same host (reinstalled, re-enrolled) is refused.
   */
  readonly certFingerprint?: string;
  /** Per-call limit, ms (default 120 s: volume copies and guest starts are long). */
  readonly callTimeoutMs?: number;
  /** Limit of the TLS handshake, ms (default 3 s). */
  readonly connectTimeoutMs?: number;
}

/** A host agent on another machine; additive to HostAgent: what only a remote agent has. */
export interface RemoteHostAgent extends HostAgent {
  /** One round trip to the agent (not to libvirt). @throws HYPERVISOR_UNREACHABLE */
  ping(timeoutMs: number): Promise<void>;
}

export type RemoteHostAgentFactory = (target: RemoteHostTarget) => RemoteHostAgent;

export { DEFAULT_AGENT_PORT, ENGINE_CN, hostCn } from './agent-server/protocol';

// ── OVN (issue 17): chassis of every host, the central's northbound DB on the engine's host ──

/** Geneve over IPv4: outer IPv4 20 + UDP 8 + Geneve 8 (+ OVN's 8-byte option) + inner Ethernet 14. */
export const GENEVE_IPV4_OVERHEAD = 58;

/** Make this host a chassis of the OVN deployment at `remote`. */
export interface OvnChassisRequest {
  /** The southbound DB, e.g. `tcp:10.0.0.1:6642` (ovn-remote). */
  readonly remote: string;
  /** This host's tunnel endpoint (ovn-encap-ip): one of its own IPv4 addresses. */
  readonly encapIp: string;
}

/** How this host takes part in OVN. */
export interface OvnChassisReport {
  /** Chassis name (OVS system-id). */
  readonly chassis: string;
  readonly remote: string | null;
  readonly encapIp: string | null;
  /** `netdev` where the OVS kernel module is missing (userspace datapath), else `system`. */
  readonly datapathType: 'netdev' | 'system';
  /** MTU of the device holding the encap address (the underlay), or null when unset/absent. */
  readonly underlayMtu: number | null;
}

/** One VM NIC on an OVN logical switch: a logical switch port named by the NIC's UUID. */
export interface OvnPortSpec {
  readonly id: string;
  readonly mac: string;
  /** Fixed IPv4 address from the network's address plan, or null (no DHCP for this port). */
  readonly ipv4: string | null;
  /** DNS name(s) of the port's address (short and FQDN). */
  readonly names: readonly string[];
}

/** An isolated OVN network: a logical switch with no localnet port. */
export interface OvnSwitchSpec {
  /** The engine's network id (external_ids:aio-network-id) — the switch name is derived. */
  readonly networkId: string;
  readonly name: string;
  /** Usable MTU (underlay − {@link GENEVE_IPV4_OVERHEAD}), given to guests by DHCP too. */
  readonly mtu: number;
  /** Address plan: DHCPv4 from OVN's native DHCP_Options, DNS from its DNS table. */
  readonly dhcp: {
    readonly cidr: string;
    /** Address OVN answers DHCP (server_id) and DNS from; never a host address. */
    readonly serverIp: string;
    readonly serverMac: string;
    readonly leaseSeconds: number;
    readonly domain: string | null;
  } | null;
  readonly ports: readonly OvnPortSpec[];
}

/** What the northbound DB holds for a network (read back, never from the engine's memory). */
export interface OvnSwitchReport {
  readonly networkId: string;
  readonly switchName: string;
  readonly localnetPorts: number;
  readonly mtu: number | null;
  readonly dhcpCidr: string | null;
  readonly dhcpOptions: Readonly<Record<string, string>>;
  readonly dnsRecords: Readonly<Record<string, string>>;
  readonly ports: readonly {
    readonly id: string;
    readonly addresses: readonly string[];
    /** Chassis the port is bound on (southbound), or null. */
    readonly chassis: string | null;
    readonly up: boolean;
  }[];
}

export interface HostAgent {
  /**
   * Point this host's ovn-controller at `remote` with tunnel endpoint `encapIp` (idempotent).
   * @throws HOST_NETWORK_INVALID when encapIp is not an address of this host, or (userspace
   *   datapath) not on an OVS bridge; HOST_COMMAND_FAILED when OVS is not running.
   */
  setupOvnChassis?(request: OvnChassisRequest): Promise<OvnChassisReport>;
  /** This host's chassis settings, or null when OVS/ovn-controller is not installed/running. */
  reportOvnChassis?(): Promise<OvnChassisReport | null>;
  /**
   * (The central's host only.) Let the southbound DB listen on `address` only (ptcp:6642),
   * replacing connections this host layer added before. Idempotent.
   */
  setupOvnCentral?(address: string): Promise<void>;
  /** (Central.) Create or converge the logical switch, DHCP options, DNS and ports of a network. */
  setupOvnSwitch?(spec: OvnSwitchSpec): Promise<OvnSwitchReport>;
  /** (Central.) Read a network's switch back from the NB/SB DBs; null when there is none. */
  reportOvnSwitch?(networkId: string): Promise<OvnSwitchReport | null>;
  /** (Central.) Remove a network's switch with its ports, DHCP options and DNS (idempotent). */
  removeOvnSwitch?(networkId: string): Promise<void>;
}

/** Issue 17: a NIC on an OVN network is a port of br-int bound by `iface-id` = `ovnPort`. */
export interface DomainInterfaceDesc {
  /** Logical switch port (the NIC's UUID); the NIC then plugs into `br-int` via OVS. */
  readonly ovnPort?: string;
}
