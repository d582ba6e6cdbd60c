// SPDX-License-Identifier: Apache-2.0
/**
 * The packet filter inside a segment's namespace (an nftables ruleset, loaded with `nft -f -`):
 * the namespace accepts DHCP (67/udp) and DNS (53/udp and tcp) and nothing else — no ping, no
 * other port, no forwarding. ARP is not IP, so address resolution is untouched; IPv6 is off in
 * the namespace altogether. Replies to what dnsmasq itself sends (its ping check of an address
 * before offering it) come back as established traffic. Pure.
 *
 * @see https://wiki.nftables.org/wiki-nftables/index.php/Simple_ruleset_for_a_server
 */

/** Name of the nftables table; `nft list table inet <name>` shows it. */
export const FIREWALL_TABLE = 'aio_segment';

export function renderFirewall(): string {
  return `flush ruleset
table inet ${FIREWALL_TABLE} {
  chain input {
    type filter hook input priority filter; policy drop;
    iif "lo" accept
    ct state established,related accept
    udp dport 67 accept
    udp dport 53 accept
    tcp dport 53 accept
  }
  chain forward {
    type filter hook forward priority filter; policy drop;
  }
}
`;
}
