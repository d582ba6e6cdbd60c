// SPDX-License-Identifier: Apache-2.0
// Step: the bundled guest "debian-12", built once per content hash into the cache directory.
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { ensureDebianGuest } from '../guest/build-debian-guest';
import { ExitCode, type SetupStep } from './step';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Builds the image unless `<cache>/debian-12-<hash>` already holds it (a few minutes once). */
export function debianGuestStep(cacheDir: string = aioCacheDir()): SetupStep {
  return {
    name: 'bundled guest debian-12',
    exitCode: ExitCode.GUEST,
    async run(log) {
      const result = await ensureDebianGuest(cacheDir, log);
      if (result.manifest === null) return { changed: false, note: `skipped: ${result.skipped}` };
      const m = result.manifest;
      const note =
        `kernel ${m.kernelVersion}, ${mib(m.fileBytes)} qcow2 (${mib(m.virtualSize)} virtual), ` +
        m.path;
      return { changed: result.changed, note };
    },
  };
}
