// SPDX-License-Identifier: Apache-2.0
/** The contract in one import, for the renderer and the transports. */
export * from './clusters';
export * from './common';
export * from './data-centers';
export * from './disks';
export * from './errors';
export * from './events';
export * from './host-lifecycle';
export * from './hosts';
export * from './image-transfers';
export * from './isolation-test';
export * from './labs';
export * from './messages';
export * from './network-attachments';
export * from './networks';
export * from './operations';
export * from './ovn';
export * from './placement';
export * from './snapshots';
export * from './storage-domains';
export * from './templates';
export * from './vms';
