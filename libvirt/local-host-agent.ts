// SPDX-License-Identifier: Apache-2.0
/**
 * The host agent for this machine (our VDSM): iproute2 for bridges, libvirt through the one
 * managed connection for domains. The composition root creates it with
 * {@link createLocalHostAgent}; the engine sees only the {@link HostAgent} interface.
 */
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../main/contract/errors';
import { readCapabilities } from './capabilities';
import { buildSeed, removeSeed } from './cloud-init/seed';
import { readBundledImages } from './debian-guest';
import { changeMedia, isIsoImage } from './domain/cdrom';
import { openConsole } from './domain/console';
import { DomainStateWatcher } from './domain/domain-events';
import type { DomainXmlOptions } from './domain/domain-xml';
import { powerOffDomain, shutdownDomain, startDomain, undefineDomain } from './domain/domains';
import {
  parseSpiceDisplay,
  parseVncDisplay,
  qemuHasSpice,
  setSpiceTicket,
  setVncTicket,
  type VncDisplay,
} from './domain/graphics';
import type {
  BundledImage,
  CloudInitSeed,
  CloudInitSeedRequest,
  ConsoleSession,
  CopyVolumeRequest,
  CreateVolumeRequest,
  DomainDesc,
  DomainStateChange,
  HostAgent,
  HostAgentFactory,
  HostAgentOptions,
  HostCapabilities,
  HostDevice,
  IsolationTestReport,
  ReportedNetwork,
  SegmentLease,
  SegmentPlan,
  SegmentReport,
  SetupNetworksRequest,
  StorageSpace,
  VolumeFormat,
  VolumeInfo,
} from './host-agent';
import { LibvirtConnection } from './hypervisor';
import { lookupHostDevice } from './isolation/host-device';
import { isolationSelfTest, removeProbesOf } from './isolation/self-test';
import type { ApplyHooks } from './network/apply';
import { HostFactWatch } from './network/fact-watch';
import { readDeviceFacts } from './network/host-facts';
import { reportNetwork } from './network/report';
import { ownedNames, RunningConfig } from './network/running-config';
import { setupNetworks } from './network/setup-networks';
import { deviceCounters } from './network/statistics';
import { reportOvnChassis, setupOvnChassis } from './ovn/chassis';
import {
  removeOvnSwitch,
  reportOvnSwitch,
  setupOvnCentral,
  setupOvnSwitch,
} from './ovn/northbound';
import { makeTapDeaf } from './ovn/tap';
import { readAccelerator } from './probe';
import type { SegmentHooks } from './segment/apply';
import { readLeases } from './segment/leases';
import { segmentPaths } from './segment/names';
import { SegmentRecord } from './segment/recorded';
import {
  reportSegment,
  restoreSegments,
  type SegmentContext,
  setupSegment,
} from './segment/setup-segment';
import { removeStalePartials } from './storage/atomic';
import { checkVolume, volumeInfo } from './storage/check-volume';
import { checkAbsolute, requireVolumeFile } from './storage/paths';
import { snapshotDomainDisks } from './storage/snapshot';
import { storageSpace } from './storage/space';
import { StorageDomains } from './storage/storage-domains';
import {
  copyVolume,
  createVolume,
  rebaseVolume,
  removeVolume,
  resizeVolume,
} from './storage/volumes';
import { readTinyGuest } from './tiny-guest';

/** Options beyond {@link HostAgentOptions} that only tests use. */
export interface LocalHostAgentTestOptions {
  /** Failure injection for setupNetworks (see apply.ts). */
  readonly applyHooks?: ApplyHooks;
  /** Failure injection for setupSegmentServices (see segment/apply.ts). */
  readonly segmentHooks?: SegmentHooks;
}

/** The agent on the local host. */
export class LocalHostAgent implements HostAgent {
  readonly #uri: string;
  readonly #conn: LibvirtConnection;
  readonly #config: RunningConfig;
  readonly #watcher: DomainStateWatcher;
  readonly #applyHooks: ApplyHooks;
  readonly #domains: StorageDomains;
  readonly #segments: SegmentContext;
  /** Host network facts kept current by `ip monitor` (issue 14), and the drift signal. */
  readonly #facts = new HostFactWatch();
  /** Names of the managed networks, as last read from the running config (for the watch). */
  #managed: readonly string[] = [];
  /** Removal of self-test probes left by a killed engine, started with the agent. */
  readonly #probeSweep: Promise<void>;

  constructor(options: HostAgentOptions, testOptions: LocalHostAgentTestOptions = {}) {
    this.#uri = options.libvirtUri ?? 'qemu:///system';
    this.#conn = new LibvirtConnection(this.#uri);
    this.#config = new RunningConfig(options.stateDir);
    this.#watcher = new DomainStateWatcher(this.#conn);
    this.#applyHooks = testOptions.applyHooks ?? {};
    this.#segments = {
      stateDir: options.stateDir,
      record: new SegmentRecord(options.stateDir),
      hooks: testOptions.segmentHooks ?? {},
    };
    this.#domains = new StorageDomains(join(options.stateDir, 'storage-domains.json'));
    // Probes of a self-test killed with the previous engine (off the start path; a new test
    // waits for it).
    this.#probeSweep = this.#config
      .read()
      .then((c) => removeProbesOf(ownedNames(c)))
      .catch(() => undefined);
  }

  getCapabilities(): Promise<HostCapabilities> {
    return readCapabilities(this.#uri);
  }

  setupNetworks(request: SetupNetworksRequest): Promise<Record<string, ReportedNetwork>> {
    return setupNetworks(request, this.#config, this.#applyHooks, this.#facts);
  }

  onNetworkChange(listener: (networks: readonly string[]) => void): () => void {
    // Which devices are networks of ours is read at each notification (the config is small).
    const managed = (): Promise<Set<string>> =>
      this.#config.read().then(
        (data) => {
          this.#managed = Object.keys(data.networks);
          return new Set(this.#managed);
        },
        () => new Set(this.#managed),
      );
    void managed();
    return this.#facts.subscribe(
      (devices) => {
        void managed().then((ours) => {
          const hit = [...devices].filter((d) => ours.has(d));
          if (hit.length > 0) listener(hit);
        });
      },
      // The bridges whose event-less sysctls are re-checked: read from the config each time.
      managed,
    );
  }

  async reportNetworks(names: readonly string[]): Promise<Record<string, ReportedNetwork>> {
    this.#facts.readingFresh(names);
    const [facts, running] = await Promise.all([readDeviceFacts(names), this.#config.read()]);
    const out: Record<string, ReportedNetwork> = {};
    for (const name of names)
      out[name] = reportNetwork(facts, name, running.networks[name]?.nic ?? null);
    return out;
  }

  commitNetworkConfig(): Promise<void> {
    return this.#config.commit();
  }

  deviceCounters(device: string): ReturnType<HostAgent['deviceCounters']> {
    return deviceCounters(device);
  }

  #xmlOptions(desc: DomainDesc): DomainXmlOptions {
    const accelerator = readAccelerator();
    if (desc.boot.kind !== 'tiny') return { accelerator };
    const { kernelPath, initrdPath } = readTinyGuest();
    return { accelerator, tinyGuest: { kernelPath, initrdPath } };
  }

  /** Tell listeners at once about a state this agent just brought about (see DomainStateWatcher). */
  async #observe(uuid: string, name: string | null): Promise<void> {
    try {
      this.#watcher.observe(uuid, name, await this.#conn.state(uuid));
    } catch (error) {
      if (error instanceof HostError && error.code === HostErrorCode.DOMAIN_NOT_FOUND) {
        this.#watcher.observe(uuid, name, null);
      } else {
        this.#watcher.poke();
      }
    }
  }

  async domainStart(desc: DomainDesc): Promise<void> {
    // A VM's disks are volumes of a storage domain: nothing else is handed to QEMU (the legacy
    // `disk` boot kind, a user's file booted in place, is the one exception until it goes).
    for (const disk of desc.disks ?? []) {
      const { path } = await this.#domains.resolve(disk.path);
      await requireVolumeFile(path);
    }
    // Issue 16: the ISO in the VM's CD-ROM is a volume of a storage domain too.
    if (desc.cdrom !== undefined && desc.cdrom.path !== null)
      await requireVolumeFile((await this.#domains.resolve(desc.cdrom.path)).path);
    try {
      await startDomain(this.#conn, desc, {
        ...this.#xmlOptions(desc),
        spice: await qemuHasSpice(),
      });
      // Issue 17: the host must not hear a guest through its OVN tap (userspace datapath).
      for (const nic of desc.interfaces) if (nic.ovnPort !== undefined) await makeTapDeaf(nic.tap);
    } finally {
      await this.#observe(desc.uuid, desc.name);
    }
  }

  async domainShutdown(uuid: string, timeoutMs: number): Promise<void> {
    try {
      await shutdownDomain(this.#conn, uuid, timeoutMs);
    } finally {
      await this.#observe(uuid, null);
    }
  }

  async domainPowerOff(uuid: string): Promise<void> {
    try {
      await powerOffDomain(this.#conn, uuid);
    } finally {
      await this.#observe(uuid, null);
    }
  }

  async domainUndefine(uuid: string): Promise<void> {
    try {
      await undefineDomain(this.#conn, uuid);
    } finally {
      await this.#observe(uuid, null);
    }
  }

  async domainList(): Promise<DomainStateChange[]> {
    return (await this.#conn.list()).map(({ uuid, name, state }) => ({ uuid, name, state }));
  }

  onDomainStateChange(listener: (change: DomainStateChange) => void): () => void {
    return this.#watcher.subscribe(listener);
  }

  async domainConsole(uuid: string): Promise<ConsoleSession> {
    const state = await this.#conn.state(uuid);
    if (state !== 'up' && state !== 'paused') {
      throw new HostError(
        HostErrorCode.HYPERVISOR_ERROR,
        `domain ${uuid} is ${state}: its console is not available`,
      );
    }
    return openConsole(this.#uri, uuid);
  }

  async domainGraphics(uuid: string): Promise<VncDisplay | null> {
    return parseVncDisplay(await this.#conn.xml(uuid));
  }

  domainGraphicsTicket(uuid: string, password: string, validTo: Date): Promise<void> {
    return setVncTicket(this.#uri, uuid, password, validTo);
  }

  spiceSupported(): Promise<boolean> {
    return qemuHasSpice();
  }

  async domainSpice(uuid: string): Promise<VncDisplay | null> {
    return parseSpiceDisplay(await this.#conn.xml(uuid));
  }

  domainSpiceTicket(uuid: string, password: string, validTo: Date): Promise<void> {
    return setSpiceTicket(this.#uri, uuid, password, validTo);
  }

  async domainChangeMedia(uuid: string, path: string | null): Promise<void> {
    if (path !== null) await requireVolumeFile((await this.#domains.resolve(path)).path);
    await changeMedia(this.#uri, uuid, await this.#conn.xml(uuid), path);
  }

  async isIsoImage(path: string): Promise<boolean> {
    return isIsoImage((await this.#domains.resolve(path)).path);
  }

  /** The live domain XML (`virsh dumpxml`), for out-of-band checks and diagnostics. */
  domainXml(uuid: string): Promise<string> {
    return this.#conn.xml(uuid);
  }

  // ── Storage (libvirt/storage/): volumes over qemu-img inside prepared storage domains. ──

  prepareStorageDomain(path: string): Promise<StorageSpace> {
    return this.#domains.prepare(path);
  }

  storageSpace(path: string): Promise<StorageSpace> {
    return storageSpace(checkAbsolute(path));
  }

  removeStalePartials(domainPath: string): Promise<string[]> {
    return removeStalePartials(checkAbsolute(domainPath));
  }

  createVolume(request: CreateVolumeRequest): Promise<VolumeInfo> {
    return createVolume(this.#domains, request);
  }

  copyVolume(request: CopyVolumeRequest): Promise<VolumeInfo> {
    return copyVolume(this.#domains, request);
  }

  volumeInfo(path: string, format?: VolumeFormat): Promise<VolumeInfo> {
    return volumeInfo(checkAbsolute(path), format);
  }

  async checkVolume(
    path: string,
    expected: VolumeFormat,
    options: { readonly allowBacking?: boolean } = {},
  ): Promise<VolumeInfo> {
    const target = await this.#domains.resolve(path);
    return checkVolume(target.path, expected, options, (backing) =>
      this.#domains.contains(backing),
    );
  }

  resizeVolume(path: string, sizeBytes: number, format?: VolumeFormat): Promise<VolumeInfo> {
    return resizeVolume(this.#domains, path, sizeBytes, format);
  }

  rebaseVolume(
    path: string,
    backing: { readonly path: string; readonly format: VolumeFormat } | null,
  ): Promise<VolumeInfo> {
    return rebaseVolume(this.#domains, path, backing);
  }

  removeVolume(path: string): Promise<void> {
    return removeVolume(this.#domains, path);
  }

  async domainSnapshotDisks(
    uuid: string,
    disks: readonly { readonly currentPath: string; readonly overlayPath: string }[],
  ): Promise<void> {
    const state = await this.#conn.state(uuid);
    if (state !== 'up' && state !== 'paused') {
      throw new HostError(
        HostErrorCode.HYPERVISOR_ERROR,
        `domain ${uuid} is ${state}: a live snapshot needs it running (create overlays instead)`,
      );
    }
    await snapshotDomainDisks(this.#domains, this.#uri, uuid, await this.#conn.xml(uuid), disks);
  }

  bundledImages(): Promise<BundledImage[]> {
    return Promise.resolve(readBundledImages());
  }

  // ── Segment services (issue 12): DHCP + DNS in a namespace on the bridge (libvirt/segment/) ──
  setupSegmentServices(network: string, plan: SegmentPlan | null): Promise<SegmentReport> {
    return setupSegment(this.#segments, network, plan);
  }

  reportSegmentServices(network: string): Promise<SegmentReport> {
    return reportSegment(this.#segments, network);
  }

  segmentLeases(network: string): Promise<SegmentLease[]> {
    return readLeases(segmentPaths(this.#segments.stateDir, network).leases);
  }

  restoreSegmentServices(): Promise<Record<string, SegmentReport>> {
    return restoreSegments(this.#segments);
  }

  // ── cloud-init NoCloud seeds (libvirt/cloud-init/) ──
  cloudInitSeed(request: CloudInitSeedRequest): Promise<CloudInitSeed> {
    return buildSeed(this.#segments.stateDir, request);
  }

  removeCloudInitSeed(vmId: string): Promise<void> {
    return removeSeed(this.#segments.stateDir, vmId);
  }

  // ── Host devices (issue 13 item 10) ──
  async hostDevice(name: string): Promise<HostDevice | null> {
    return lookupHostDevice(
      name,
      async () => ownedNames(await this.#config.read()),
      (n) => this.#facts.link(n),
    );
  }

  // ── Isolation self-test (issue 13 item 7) ──
  async isolationTest(network: string, mtu: number): Promise<IsolationTestReport> {
    await this.#probeSweep;
    return isolationSelfTest(network, mtu);
  }

  // ── OVN (issue 17, libvirt/ovn/): this host as a chassis; the central's NB verbs ──
  setupOvnChassis = setupOvnChassis;
  reportOvnChassis = reportOvnChassis;
  setupOvnCentral = setupOvnCentral;
  setupOvnSwitch = setupOvnSwitch;
  reportOvnSwitch = reportOvnSwitch;
  removeOvnSwitch = removeOvnSwitch;

  async close(): Promise<void> {
    this.#facts.close();
    this.#watcher.stop();
    await this.#conn.close();
  }
}

/** Create the host agent of this machine. */
export const createLocalHostAgent: HostAgentFactory = (options) => new LocalHostAgent(options);
