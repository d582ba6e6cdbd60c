// SPDX-License-Identifier: Apache-2.0
/**
 * The tiny guest's ready line (see tiny-guest.ts for the guest): what it prints on ttyS0 once
 * every NIC is configured, and its parser. No imports, so both tiny-guest.ts and
 * host-agent.ts (for the engine: issue 15's lab start) can export it without a cycle.
 */

/** What the guest prints once every NIC is configured; see {@link parseReadyLine}. */
export const TINY_GUEST_READY_PREFIX = 'AIO-READY';

/** One NIC as the ready line reports it. */
export interface TinyGuestReadyNic {
  readonly nic: string;
  /** `10.0.0.1/24` as configured. */
  readonly cidr: string;
  /** The MTU the device came up with (from virtio host_mtu). */
  readonly mtu: number;
}

/** The parsed ready line. */
export interface TinyGuestReady {
  readonly name: string;
  /** In command-line order. */
  readonly nics: readonly TinyGuestReadyNic[];
}

/**
 * Finds and parses the ready line in serial output (typically the whole serial log file). The
 * line counts only once its newline has arrived, so a half-written line is never misread; pass
 * single lines with their `\n`. Carriage returns are ignored. Returns null when there is no
 * complete ready line (yet).
 *
 * Grammar: `AIO-READY name=<name>( <nic>=<address>/<prefix>,mtu=<mtu>)*` at the start of a line.
 */
export function parseReadyLine(serialOutput: string): TinyGuestReady | null {
  const lines = serialOutput.split('\n');
  for (const [index, raw] of lines.entries()) {
    const line = raw.replace(/\r/g, '').trim();
    if (!line.startsWith(`${TINY_GUEST_READY_PREFIX} `)) continue;
    // The last piece has no newline yet: the guest may still be writing it.
    if (index === lines.length - 1) return null;
    const [, nameField, ...nicFields] = line.split(/\s+/);
    if (!nameField?.startsWith('name=')) return null;
    const nics: TinyGuestReadyNic[] = [];
    for (const field of nicFields) {
      const m = /^([^=]+)=([^,]+),mtu=(\d+)$/.exec(field);
      if (!m?.[1] || !m[2] || !m[3]) return null;
      nics.push({ nic: m[1], cidr: m[2], mtu: Number(m[3]) });
    }
    return { name: nameField.slice('name='.length), nics };
  }
  return null;
}
