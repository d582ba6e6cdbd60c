// SPDX-License-Identifier: Apache-2.0
/**
 * The agent's record of the segment services it runs (`segments.json` in the state
 * directory): the plan of each network, written only after the service was built and verified,
 * and dropped when it is switched off. {@link restoreSegmentServices} rebuilds from it at start.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { SegmentPlan } from '../host-agent';

interface RecordData {
  readonly version: 1;
  readonly segments: Readonly<Record<string, SegmentPlan>>;
}

export class SegmentRecord {
  readonly #dir: string;
  readonly #path: string;

  constructor(stateDir: string) {
    this.#dir = stateDir;
    this.#path = join(stateDir, 'segments.json');
  }

  async read(): Promise<Readonly<Record<string, SegmentPlan>>> {
    let text: string;
    try {
      text = await readFile(this.#path, 'utf8');
    } catch {
      return {};
    }
    try {
      return (JSON.parse(text) as Partial<RecordData>).segments ?? {};
    } catch (cause) {
      throw new HostError(
        HostErrorCode.HOST_COMMAND_FAILED,
        `corrupt segment record ${this.#path}`,
        text.slice(0, 200),
        { cause },
      );
    }
  }

  /** Record `plan` for `network` (null forgets it); atomic (temp file + rename). */
  async set(network: string, plan: SegmentPlan | null): Promise<void> {
    const segments: Record<string, SegmentPlan> = Object.fromEntries(
      Object.entries(await this.read()).filter(([name]) => name !== network),
    );
    if (plan !== null) segments[network] = plan;
    await mkdir(this.#dir, { recursive: true });
    const tmp = `${this.#path}.${process.pid}.tmp`;
    const data: RecordData = { version: 1, segments };
    await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
    await rename(tmp, this.#path);
  }
}
