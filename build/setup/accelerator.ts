// SPDX-License-Identifier: Apache-2.0
// Step: KVM or TCG? Decided by booting the tiny guest under KVM with a time limit
// (libvirt/probe.ts), recorded once per QEMU version and host kernel.
import { probeAccelerator } from '../../libvirt/probe';
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { ExitCode, type SetupStep } from './step';

/** Probes (or reuses the recorded probe) and says which accelerator guests will use. */
export function acceleratorStep(cacheDir: string = aioCacheDir()): SetupStep {
  return {
    name: 'accelerator probe',
    exitCode: ExitCode.PROBE,
    async run(log) {
      const { record, reused } = await probeAccelerator({
        cacheDir,
        onProbe: () => {
          log('booting the tiny guest under KVM (time limit 20 s)');
        },
      });
      const note = `${record.accelerator} (${record.detail}; probed ${record.probedAt})`;
      return { changed: !reused, note };
    },
  };
}
