// SPDX-License-Identifier: Apache-2.0
/**
 * Stable element ids such as `network-lab1-mtu` (cockpit style), so tests and users' own
 * scripts can find a field. Characters outside [A-Za-z0-9_-] become `_`.
 */
export function domId(kind: string, name: string, field: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, '_')}-${field}`;
}
