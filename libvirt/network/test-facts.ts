// SPDX-License-Identifier: Apache-2.0
/** Builders of host facts for the network layer's unit tests (no host access). */
import type { HostNetFacts, LinkState } from './host-facts';

/** A link with quiet defaults; override what the case needs. */
export function link(name: string, over: Partial<LinkState> = {}): LinkState {
  const kind = over.kind ?? null;
  return {
    name,
    index: 1,
    kind,
    linkType: 'ether',
    mac: '02:00:00:00:00:01',
    mtu: 1500,
    maxMtu: 65535,
    up: true,
    lowerUp: true,
    master: null,
    stp: kind === 'bridge' ? false : null,
    addrGenMode: 'eui64',
    ipv4: [],
    ipv6: [],
    sysctl: kind === 'bridge' ? { disableIpv6: 0, arpIgnore: 0, rpFilter: 0 } : null,
    ...over,
  };
}

/** An isolated bridge exactly as setupNetworks leaves it. */
export function isolatedBridge(name: string, over: Partial<LinkState> = {}): LinkState {
  return link(name, {
    kind: 'bridge',
    stp: false,
    addrGenMode: 'none',
    sysctl: { disableIpv6: 1, arpIgnore: 8, rpFilter: 1 },
    ...over,
  });
}

export function facts(links: LinkState[], defaultRouteDevices: string[] = ['eth0']): HostNetFacts {
  return {
    links: new Map(links.map((l) => [l.name, l])),
    defaultRouteDevices: new Set(defaultRouteDevices),
  };
}
