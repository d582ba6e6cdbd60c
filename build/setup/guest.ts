// SPDX-License-Identifier: Apache-2.0
// Step: the demo guest "tiny", built once per content hash into the cache directory.
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { ensureTinyGuest } from '../guest/build-tiny-guest';
import { ExitCode, type SetupStep } from './step';

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Builds the guest unless `<cache>/tiny-<hash>` already holds it. */
export function guestStep(cacheDir: string = aioCacheDir()): SetupStep {
  return {
    name: 'demo guest tiny',
    exitCode: ExitCode.GUEST,
    async run(log) {
      const { changed, manifest } = await ensureTinyGuest(cacheDir, log);
      const note =
        `${manifest.kernelVersion}, kernel ${mib(manifest.kernelBytes)} + ` +
        `initrd ${mib(manifest.initrdBytes)}, ${cacheDir}/tiny-${manifest.hash}`;
      return { changed, note };
    },
  };
}
