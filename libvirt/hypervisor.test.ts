// SPDX-License-Identifier: Apache-2.0
import { LibvirtError } from '@unraid/libvirt';
import { describe, expect, it } from 'vitest';

import { HostErrorCode } from '../main/contract/errors';
import { isConnectionError, toDomainState, toHostError } from './hypervisor';

describe('LibvirtError → HostError', () => {
  it.each([
    ["Domain not found: no domain with matching uuid 'x'", -1, HostErrorCode.DOMAIN_NOT_FOUND],
    ['anything', 42, HostErrorCode.DOMAIN_NOT_FOUND],
    [
      "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory",
      -1,
      HostErrorCode.HYPERVISOR_UNREACHABLE,
    ],
    [
      'invalid connection pointer in virConnectListAllDomains',
      -1,
      HostErrorCode.HYPERVISOR_UNREACHABLE,
    ],
    ['internal error: client socket is closed', -1, HostErrorCode.HYPERVISOR_UNREACHABLE],
    ["Cannot get interface MTU on 'nobr': No such device", -1, HostErrorCode.HYPERVISOR_ERROR],
    [
      'Requested operation is not valid: domain is already running',
      55,
      HostErrorCode.HYPERVISOR_ERROR,
    ],
  ])('%s (code %i) → %s', (message, code, expected) => {
    const error = toHostError(new LibvirtError(message, code, -1, 2), 'op');
    expect(error.code).toBe(expected);
    expect(error.detail).toBe(message);
    expect(error.message).toBe(`op: ${message}`);
  });

  it('only connection problems trigger a reconnect', () => {
    expect(
      isConnectionError(
        new LibvirtError('End of file while reading data: Input/output error', 38, 7, 2),
      ),
    ).toBe(true);
    expect(isConnectionError(new LibvirtError('Domain not found', 42, 10, 2))).toBe(false);
  });

  it.each([
    [1, 'up'],
    [2, 'up'],
    [3, 'paused'],
    [4, 'powering_down'],
    [5, 'down'],
    [6, 'down'],
    [7, 'paused'],
    [0, 'unknown'],
    [99, 'unknown'],
  ] as const)('virDomainState %i → %s', (state, expected) => {
    expect(toDomainState(state)).toBe(expected);
  });
});
