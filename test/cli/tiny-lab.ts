// SPDX-License-Identifier: Apache-2.0
/** A lab file of `count` tiny VMs on one isolated network (static addresses), for tests and bench. */

export function tinyLab(
  name: string,
  net: string,
  prefix: string,
  count: number,
  parallelism: number,
): string {
  const vms = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    return `  ${prefix}-${n}:
    template: tiny
    memory: 192MiB
    nics:
      - network: ${net}
        address: 10.96.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}/16
`;
  }).join('');
  return `lab: ${name}
start:
  parallelism: ${parallelism}
  boot_timeout: 900
networks:
  ${net}:
    mtu: 1500
vms:
${vms}`;
}
