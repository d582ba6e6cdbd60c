// SPDX-License-Identifier: Apache-2.0
/** IPC channel names shared by the preload and main/electron/ipc.ts (the only two users). */
export const IPC_INVOKE = 'aio:invoke';
export const IPC_EVENT = 'aio:event';

/** Operation names are identifiers such as `networks.add` or `console.write`. */
export const OP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
