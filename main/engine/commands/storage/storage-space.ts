// SPDX-License-Identifier: Apache-2.0
/**
 * Out of space is refused before anything is written (oVirt's StorageDomainValidator
 * `hasSpaceForNewDisks`): the domain must keep `critical_space_action_blocker` GiB free
 * after the allocation.
 */
import type { StorageDomainRow } from '../../../../db/repos/storage-domains.repo';
import type { EngineServices } from '../../context';
import { hostFailure } from '../../host-networks';
import { CommandFailure } from '../../validation';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** Metadata a new qcow2 volume takes at least (header, L1/refcount tables). */
export const QCOW2_OVERHEAD = MiB;

/** Bytes a new volume may allocate at once: everything for preallocated raw, little otherwise. */
export function allocationOf(format: 'cow' | 'raw', sparse: boolean, size: number): number {
  return format === 'raw' && !sparse ? size : QCOW2_OVERHEAD;
}

const human = (n: number): string =>
  n >= GiB ? `${(n / GiB).toFixed(1)} GiB` : `${Math.ceil(n / MiB)} MiB`;

/**
 * @throws CommandFailure ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN when `bytes`
 *   would leave less than the domain's critical space free; host errors as host faults.
 */
export async function ensureSpace(
  ctx: EngineServices,
  domain: StorageDomainRow,
  bytes: number,
): Promise<void> {
  const space = await ctx.host.storageSpace(domain.path).catch((e: unknown) => {
    throw hostFailure(e);
  });
  const reserve = domain.criticalSpaceActionBlocker * GiB;
  if (space.availableBytes - bytes < reserve) {
    throw new CommandFailure('ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN', {
      storageName: domain.name,
      required: human(bytes + reserve),
      available: human(space.availableBytes),
    });
  }
}
