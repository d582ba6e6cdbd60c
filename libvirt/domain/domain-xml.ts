// SPDX-License-Identifier: Apache-2.0
/**
 * DomainDesc → libvirt domain XML, in exactly one place, through the escaping builder.
 * Pure: the domain type (from the accelerator probe) and the tiny guest's files come in as
 * arguments, so the round-trip test needs no host.
 *
 * @see https://libvirt.org/formatdomain.html
 */
import type { Accelerator, DomainDesc, DomainInterfaceDesc } from '../host-agent';
import { tinyGuestCmdline } from '../tiny-guest';
import { createElement, type XmlElement } from './xml-builder';

/** Where the tiny guest's kernel and initrd are (from readTinyGuest()). */
export interface TinyGuestFiles {
  readonly kernelPath: string;
  readonly initrdPath: string;
}

export interface DomainXmlOptions {
  /** The probed accelerator: 'kvm' → `<domain type='kvm'>`, 'tcg' → `type='qemu'`. */
  readonly accelerator: Accelerator;
  /** Required when `desc.boot.kind` is 'tiny'. */
  readonly tinyGuest?: TinyGuestFiles;
}

/** libvirt's domain type for an accelerator. */
export function domainType(accelerator: Accelerator): 'kvm' | 'qemu' {
  return accelerator === 'kvm' ? 'kvm' : 'qemu';
}

const TINY_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/** The guest host name for the tiny guest's command line: the VM name when it fits, else from the UUID. */
export function tinyGuestName(desc: Pick<DomainDesc, 'name' | 'uuid'>): string {
  return TINY_NAME.test(desc.name) ? desc.name : `vm-${desc.uuid.slice(0, 8)}`;
}

function osElement(
  desc: DomainDesc,
  options: DomainXmlOptions,
): { os: XmlElement; disk: XmlElement | null } {
  const os = createElement('os', {}, createElement('type', { arch: 'x86_64' }, 'hvm'));
  const boot = desc.boot;
  switch (boot.kind) {
    case 'tiny': {
      if (options.tinyGuest === undefined) throw new Error('tiny boot needs the tiny guest files');
      os.append(
        createElement('kernel', {}, options.tinyGuest.kernelPath),
        createElement('initrd', {}, options.tinyGuest.initrdPath),
        createElement(
          'cmdline',
          {},
          tinyGuestCmdline({ name: tinyGuestName(desc), addresses: boot.addresses }),
        ),
      );
      return { os, disk: null };
    }
    case 'kernel':
      os.append(
        createElement('kernel', {}, boot.kernel),
        createElement('initrd', {}, boot.initrd),
        createElement('cmdline', {}, boot.cmdline),
      );
      return { os, disk: null };
    case 'disk': {
      os.append(createElement('boot', { dev: 'hd' }));
      const format = boot.diskPath.endsWith('.qcow2') ? 'qcow2' : 'raw';
      const disk = createElement(
        'disk',
        { type: 'file', device: 'disk' },
        createElement('driver', { name: 'qemu', type: format }),
        createElement('source', { file: boot.diskPath }),
        createElement('target', { dev: 'vda', bus: 'virtio' }),
      );
      return { os, disk };
    }
    case 'disks':
      // Placeholder until the storage host layer lands: disks are not in the XML yet.
      throw new Error('booting from storage-domain disks is not available yet');
  }
}

function interfaceElement(nic: DomainInterfaceDesc): XmlElement {
  return createElement(
    'interface',
    { type: 'bridge' },
    createElement('mac', { address: nic.mac }),
    createElement('source', { bridge: nic.bridge }),
    createElement('target', { dev: nic.tap }),
    createElement('model', { type: nic.model }),
    // The tap and the guest's virtio device (host_mtu) get the network MTU.
    createElement('mtu', { size: nic.mtu }),
  );
}

/**
 * The domain XML for `desc`. Persistent definition; ACPI on so shutdown works; the serial
 * console is a pty with a log file, so what the guest printed before anyone attached is kept.
 */
export function domainXml(desc: DomainDesc, options: DomainXmlOptions): string {
  const { os, disk } = osElement(desc, options);
  const devices = createElement('devices');
  if (disk !== null) devices.append(disk);
  for (const nic of desc.interfaces) devices.append(interfaceElement(nic));
  devices.append(
    createElement(
      'serial',
      { type: 'pty' },
      createElement('log', { file: desc.serialLogPath, append: 'off' }),
      createElement('target', { port: 0 }),
    ),
    createElement('console', { type: 'pty' }, createElement('target', { type: 'serial', port: 0 })),
    createElement('memballoon', { model: 'none' }),
  );
  const domain = createElement(
    'domain',
    { type: domainType(options.accelerator) },
    createElement('name', {}, desc.name),
    createElement('uuid', {}, desc.uuid),
    createElement('memory', { unit: 'MiB' }, desc.memoryMiB),
    createElement('currentMemory', { unit: 'MiB' }, desc.memoryMiB),
    createElement('vcpu', { placement: 'static' }, desc.vcpus),
    os,
    createElement('features', {}, createElement('acpi'), createElement('apic')),
    createElement('clock', { offset: 'utc' }),
    createElement('on_poweroff', {}, 'destroy'),
    createElement('on_reboot', {}, 'restart'),
    createElement('on_crash', {}, 'destroy'),
    devices,
  );
  return `${domain.toString()}\n`;
}
