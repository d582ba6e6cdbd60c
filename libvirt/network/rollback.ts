// SPDX-License-Identifier: Apache-2.0
/**
 * The transaction around an apply (VDSM's `Transaction` with its running-config snapshot):
 * snapshot every device a plan touches, and on any failure bring each back to its recorded
 * state with the reverse steps, then re-raise the original error as SETUP_NETWORKS_ROLLBACK.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { applyStep } from './apply';
import {
  type NetStep,
  restoreSteps,
  type Snapshot,
  takeSnapshot,
  touchedDevices,
} from './desired-state';
import { type HostNetFacts, readDeviceFacts } from './host-facts';

/** Describe an unknown error for a message. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A snapshot of the devices a plan touches, able to restore them. */
export class NetworkTransaction {
  readonly snapshot: Snapshot;

  private constructor(snapshot: Snapshot) {
    this.snapshot = snapshot;
  }

  /** Snapshot the devices `steps` touch, from facts read just before applying them. */
  static begin(facts: HostNetFacts, steps: readonly NetStep[]): NetworkTransaction {
    return new NetworkTransaction(takeSnapshot(facts, touchedDevices(facts, steps)));
  }

  /**
   * Restore the snapshot (best effort: every restore step is tried even if one fails) and
   * throw the original error wrapped as SETUP_NETWORKS_ROLLBACK. The detail says whether the
   * restore was complete.
   */
  async rollback(original: unknown): Promise<never> {
    const problems: string[] = [];
    try {
      // Re-read: the failed step may or may not have taken effect.
      const now = await readDeviceFacts(this.snapshot.keys());
      for (const step of restoreSteps(this.snapshot, now)) {
        try {
          await applyStep(step);
        } catch (error) {
          problems.push(`${step.op} ${step.dev}: ${describe(error)}`);
        }
      }
      const after = await readDeviceFacts(this.snapshot.keys());
      const left = restoreSteps(this.snapshot, after);
      if (left.length > 0)
        problems.push(`not restored: ${left.map((s) => `${s.op} ${s.dev}`).join(', ')}`);
    } catch (error) {
      problems.push(`rollback could not read the host: ${describe(error)}`);
    }
    const originalDetail = original instanceof HostError ? original.detail : describe(original);
    const rollbackNote =
      problems.length === 0 ? 'host restored to its previous state' : problems.join('; ');
    throw new HostError(
      HostErrorCode.SETUP_NETWORKS_ROLLBACK,
      `setupNetworks failed and was rolled back: ${describe(original)}`,
      `${originalDetail}\n(rollback: ${rollbackNote})`,
      { cause: original },
    );
  }
}
