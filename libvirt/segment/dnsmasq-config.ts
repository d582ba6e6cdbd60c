// SPDX-License-Identifier: Apache-2.0
/**
 * The files dnsmasq reads for one segment, rendered from a canonical plan. Pure.
 *
 * - `dnsmasq.conf` (the only config file: `--conf-file` keeps /etc/dnsmasq.conf out): listen on
 *   the namespace end only, no upstream servers and no /etc/hosts (nothing leaks from or to the
 *   host), authoritative DHCP for the subnet, and the options handed out. A change here needs
 *   a restart.
 * - `dhcp-hosts` (`dhcp-hostsfile`): `MAC,IP[,hostname]` per static lease.
 * - `names` (`addn-hosts`): `IP fqdn name` per name.
 * The last two are re-read on SIGHUP, so VMs and NICs coming and going only reload dnsmasq.
 *
 * @see https://thekelleys.org.uk/dnsmasq/docs/dnsmasq-man.html
 */
import { type SegmentPaths, SERVICE_IFACE } from './names';
import type { CanonicalSegmentPlan } from './plan';

/** Main configuration. */
export function renderDnsmasqConf(plan: CanonicalSegmentPlan, paths: SegmentPaths): string {
  const lines = [
    `# dnsmasq for the segment of network ${plan.network}; written by AIO Lab, do not edit`,
    `interface=${SERVICE_IFACE}`,
    'except-interface=lo',
    'bind-interfaces',
    // No upstream and no host files: the resolver knows the plan's names and nothing else.
    'no-resolv',
    'no-hosts',
    'no-poll',
    'domain-needed',
    'bogus-priv',
    `pid-file=${paths.pid}`,
    `log-facility=${paths.log}`,
    'log-dhcp',
    `dhcp-leasefile=${paths.leases}`,
    `dhcp-hostsfile=${paths.dhcpHosts}`,
    `addn-hosts=${paths.names}`,
    'dhcp-authoritative',
    plan.dhcpRange === null
      ? `dhcp-range=${plan.networkAddress},static,${plan.netmask},${plan.leaseSeconds}`
      : `dhcp-range=${plan.dhcpRange.start},${plan.dhcpRange.end},${plan.netmask},${plan.leaseSeconds}`,
    // dnsmasq offers itself as router unless told otherwise: an empty option sends none.
    plan.gateway === null
      ? 'dhcp-option=option:router'
      : `dhcp-option=option:router,${plan.gateway}`,
    `dhcp-option=option:dns-server,${plan.dnsServers.join(',')}`,
  ];
  if (plan.dnsDomain !== null) {
    lines.push(`domain=${plan.dnsDomain}`, `local=/${plan.dnsDomain}/`, 'expand-hosts');
  }
  return `${lines.join('\n')}\n`;
}

/** Static leases (`dhcp-hostsfile`). */
export function renderDhcpHosts(plan: CanonicalSegmentPlan): string {
  return plan.staticLeases
    .map((l) => (l.hostname === null ? `${l.mac},${l.ip}\n` : `${l.mac},${l.ip},${l.hostname}\n`))
    .join('');
}

/** Names (`addn-hosts`, hosts-file format): the FQDN first, so reverse lookups give it. */
export function renderNames(plan: CanonicalSegmentPlan): string {
  return plan.names
    .map((n) =>
      plan.dnsDomain === null
        ? `${n.ip} ${n.name}\n`
        : `${n.ip} ${n.name}.${plan.dnsDomain} ${n.name}\n`,
    )
    .join('');
}

/** The infrastructure of a plan: when this changes, the namespace is rebuilt, not reloaded. */
export function infrastructureKey(plan: CanonicalSegmentPlan, mtu: number): string {
  return JSON.stringify([plan.network, plan.serviceAddress, plan.prefix, mtu]);
}
