// SPDX-License-Identifier: Apache-2.0
/** IPC channel names shared by the preload and main/electron/ipc.ts (the only two users). */
export const IPC_INVOKE = 'aio:invoke';
export const IPC_EVENT = 'aio:event';

/** Operation names are identifiers such as `networks.add` or `console.write`. */
export const OP_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * The screen's WebSocket base URL reaches the preload as a process argument
 * (webPreferences.additionalArguments), known before the page loads; only a loopback
 * `ws://127.0.0.1:<port>/ovirt-engine/services/graphics/` is accepted.
 */
export const GRAPHICS_URL_ARG = '--aio-graphics-url=';
export const GRAPHICS_URL_PATTERN =
  /^ws:\/\/127\.0\.0\.1:[1-9][0-9]{0,4}\/ovirt-engine\/services\/graphics\/$/;
