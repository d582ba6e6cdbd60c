// SPDX-License-Identifier: Apache-2.0
/**
 * A {@link Lab} written back as a lab file (YAML in lab.schema.json's shape), so what a bundle
 * carries is an ordinary lab file a user can read, edit and `aio lab apply` by hand. Defaults
 * are written out (the file is a record of what was applied, not a minimal one).
 */
import { stringify } from 'yaml';

import type { Lab, LabAddressPlan, LabNic, LabVm } from '../model';

function prefixOfNetmask(netmask: string): number {
  return netmask
    .split('.')
    .map((o) => Number(o).toString(2).padStart(8, '0'))
    .join('')
    .replace(/0+$/, '').length;
}

function addressPlanDoc(p: LabAddressPlan): Record<string, unknown> {
  return {
    cidr: p.cidr,
    ...(p.gateway !== undefined ? { gateway: p.gateway } : {}),
    ...(p.dhcp !== undefined ? { dhcp: { start: p.dhcp.start, end: p.dhcp.end } } : {}),
    ...(p.dnsDomain !== undefined ? { dns_domain: p.dnsDomain } : {}),
    ...(p.dnsServers.length > 0 ? { dns_servers: [...p.dnsServers] } : {}),
  };
}

function nicDoc(nic: LabNic): Record<string, unknown> {
  return {
    network: nic.network,
    ...(nic.address !== null
      ? { address: `${nic.address.ip}/${prefixOfNetmask(nic.address.netmask)}` }
      : {}),
  };
}

function vmDoc(vm: LabVm): Record<string, unknown> {
  const ci = vm.cloudInit;
  return {
    ...(vm.description !== '' ? { description: vm.description } : {}),
    template: vm.template,
    cpus: vm.cpus,
    memory: `${Math.round(vm.memoryBytes / 1048576)}MiB`,
    ...(vm.nics.length > 0 ? { nics: vm.nics.map(nicDoc) } : {}),
    ...(ci !== null
      ? {
          cloud_init: {
            ...(ci.hostName !== undefined ? { host_name: ci.hostName } : {}),
            ...(ci.user !== undefined ? { user: ci.user } : {}),
            ...(ci.sshKeys.length > 0 ? { ssh_keys: [...ci.sshKeys] } : {}),
            ...(ci.script !== undefined ? { script: ci.script } : {}),
          },
        }
      : {}),
    ...(vm.group !== 0 ? { group: vm.group } : {}),
    ...(vm.dependsOn.length > 0 ? { depends_on: [...vm.dependsOn] } : {}),
    ...(vm.startDelaySeconds !== 0 ? { start_delay: vm.startDelaySeconds } : {}),
  };
}

/** The lab as a lab file's text. */
export function labToYaml(lab: Lab): string {
  const start = {
    ...(lab.start.parallelism !== undefined ? { parallelism: lab.start.parallelism } : {}),
    ...(lab.start.stopOnFailure ? { stop_on_failure: true } : {}),
    ...(lab.start.bootTimeoutSeconds !== undefined
      ? { boot_timeout: lab.start.bootTimeoutSeconds }
      : {}),
  };
  const doc = {
    lab: lab.name,
    cluster: lab.cluster,
    data_center: lab.dataCenter,
    ...(Object.keys(start).length > 0 ? { start } : {}),
    networks: Object.fromEntries(
      lab.networks.map((n) => [
        n.name,
        {
          ...(n.description !== '' ? { description: n.description } : {}),
          mtu: n.mtu,
          ...(n.addressPlan !== null ? { address_plan: addressPlanDoc(n.addressPlan) } : {}),
        },
      ]),
    ),
    vms: Object.fromEntries(lab.vms.map((v) => [v.name, vmDoc(v)])),
  };
  return stringify(doc, { lineWidth: 0 });
}
