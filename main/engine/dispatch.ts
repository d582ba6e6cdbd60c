// SPDX-License-Identifier: Apache-2.0
/**
 * The engine's one transport-agnostic entry. IPC (main/electron), HTTP-RPC and the oVirt
 * REST mapper (main/api) import only this file: they call `invoke` with a contract op and
 * its input, and get the contract's envelope back — never an exception.
 */
import { startEngine } from './engine';
import type { EngineOptions, StartedEngine } from './engine-types';

export type { ConsoleSession } from '../../libvirt/host-agent';
export type { Engine, EngineOptions, InvokeOptions, StartedEngine } from './engine-types';

/**
 * Open (and migrate) the database, seed it on first start (Default DC and cluster, Blank and
 * tiny templates, admin@internal), register the local host with its NICs, recover commands
 * interrupted by a crash, and activate the host (re-validating its networks).
 */
export function createEngine(options: EngineOptions): Promise<StartedEngine> {
  return startEngine(options);
}
