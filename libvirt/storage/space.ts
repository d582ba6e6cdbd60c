// SPDX-License-Identifier: Apache-2.0
/**
 * Space of the file system holding a storage domain (statfs), and the out-of-space rule: a write
 * that needs more than what is available is refused before a byte is written.
 */
import { statfs } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { StorageSpace } from '../host-agent';

/** statfs of the file system holding `path`. `availableBytes` is what an unprivileged writer gets. */
export async function storageSpace(path: string): Promise<StorageSpace> {
  const st = await statfs(path);
  const totalBytes = st.blocks * st.bsize;
  return {
    totalBytes,
    availableBytes: st.bavail * st.bsize,
    usedBytes: (st.blocks - st.bfree) * st.bsize,
  };
}

/**
 * Margin kept free on top of what a write needs: file-system metadata, the directory entry, and
 * the qcow2 refcount growth qemu-img measure leaves out for a few clusters.
 */
export const SPACE_MARGIN_BYTES = 16 * 1024 * 1024;

/**
 * Refuse a write of `neededBytes` into the file system of `dir` when it does not fit.
 * @throws STORAGE_DOMAIN_SPACE_LOW (nothing written)
 */
export async function requireSpace(dir: string, neededBytes: number): Promise<void> {
  const { availableBytes } = await storageSpace(dir);
  if (neededBytes + SPACE_MARGIN_BYTES > availableBytes) {
    const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;
    throw new HostError(
      HostErrorCode.STORAGE_DOMAIN_SPACE_LOW,
      `not enough space in ${dir}: ${mib(neededBytes)} needed (+${mib(SPACE_MARGIN_BYTES)} margin), ` +
        `${mib(availableBytes)} available`,
      `needed=${neededBytes} available=${availableBytes}`,
    );
  }
}
