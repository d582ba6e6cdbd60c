// SPDX-License-Identifier: Apache-2.0
/** Engine assembly (work in progress: the contract lands first so REST and UI can build). */
import type { EngineOptions, StartedEngine } from './dispatch';

/** Build the engine. */
export function startEngine(options: EngineOptions): Promise<StartedEngine> {
  return Promise.reject(new Error(`engine not implemented yet (${options.dataDir})`));
}
