// SPDX-License-Identifier: Apache-2.0
/**
 * The agent's own record of the networks it manages (VDSM's running config), kept as JSON in
 * the state directory. Networks are written only after a setupNetworks succeeded and was
 * verified, so a rollback never has to undo them. Bridges about to be created are recorded
 * first (`creating`, write-ahead): a process killed between `ip link add` and the final
 * record still owns the bridge it made, so recovery may remove it, while a bridge this agent
 * did not create is never recorded and never touched. `commit` copies it to the persistent config
 * (VDSM's `setSafeNetworkConfig`), the one a host restart would restore.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { CanonicalNetwork } from './canonicalize';

export interface RunningConfigData {
  readonly version: 1;
  readonly networks: Readonly<Record<string, CanonicalNetwork>>;
  /** Bridges this agent is creating (or created) and has not recorded as networks yet. */
  readonly creating?: readonly string[];
}

const EMPTY: RunningConfigData = { version: 1, networks: {} };

/** Names the agent owns: its networks and the bridges it is creating. */
export function ownedNames(data: RunningConfigData): Set<string> {
  return new Set([...Object.keys(data.networks), ...(data.creating ?? [])]);
}

async function readJson(path: string): Promise<RunningConfigData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return EMPTY;
  }
  try {
    const data = JSON.parse(text) as Partial<RunningConfigData>;
    return {
      version: 1,
      networks: data.networks ?? {},
      ...(data.creating && data.creating.length > 0 ? { creating: data.creating } : {}),
    };
  } catch (cause) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `corrupt network config ${path}`,
      text.slice(0, 200),
      {
        cause,
      },
    );
  }
}

/** Write atomically (temp file + rename) so a crash never leaves half a config. */
async function writeJson(path: string, data: RunningConfigData): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
  await rename(tmp, path);
}

/** Running and persisted network config in one state directory. */
export class RunningConfig {
  readonly #runningPath: string;
  readonly #persistentPath: string;
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.#runningPath = join(stateDir, 'running-networks.json');
    this.#persistentPath = join(stateDir, 'persistent-networks.json');
  }

  /** The networks currently managed. */
  async read(): Promise<RunningConfigData> {
    return readJson(this.#runningPath);
  }

  /** Record the result of a successful setupNetworks (setups replace, removals delete). */
  async update(setups: readonly CanonicalNetwork[], removals: readonly string[]): Promise<void> {
    const current = await this.read();
    const gone = new Set([...removals, ...setups.map((s) => s.name)]);
    const networks: Record<string, CanonicalNetwork> = Object.fromEntries(
      Object.entries(current.networks).filter(([name]) => !gone.has(name)),
    );
    for (const net of setups) networks[net.name] = net;
    const creating = (current.creating ?? []).filter((n) => !gone.has(n));
    await this.#write({ version: 1, networks, ...(creating.length > 0 ? { creating } : {}) });
  }

  /** Record (before creating them) that these bridges are this agent's. */
  async markCreating(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    const current = await this.read();
    const creating = [...new Set([...(current.creating ?? []), ...names])];
    await this.#write({ ...current, creating });
  }

  /** Forget `creating` entries for bridges that do not exist (after a rollback removed them). */
  async forgetCreating(absent: readonly string[]): Promise<void> {
    const current = await this.read();
    const gone = new Set(absent);
    const creating = (current.creating ?? []).filter((n) => !gone.has(n));
    if (creating.length === (current.creating ?? []).length) return;
    await this.#write({
      version: 1,
      networks: current.networks,
      ...(creating.length > 0 ? { creating } : {}),
    });
  }

  async #write(data: RunningConfigData): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    await writeJson(this.#runningPath, data);
  }

  /** Copy the running config to the persistent one. */
  async commit(): Promise<void> {
    await mkdir(this.#dir, { recursive: true });
    const { networks } = await this.read();
    await writeJson(this.#persistentPath, { version: 1, networks });
  }
}
