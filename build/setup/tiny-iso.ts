// SPDX-License-Identifier: Apache-2.0
// Step (issue 16): the bootable "tiny" installer ISO, built once per content hash from the
// tiny guest (so it follows the guest step) with grub-mkrescue.
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { ensureTinyIso } from '../guest/build-tiny-iso';
import { ExitCode, type SetupStep } from './step';

export function tinyIsoStep(cacheDir: string = aioCacheDir()): SetupStep {
  return {
    name: 'tiny installer ISO',
    exitCode: ExitCode.GUEST,
    async run(log) {
      const { changed, manifest } = await ensureTinyIso(cacheDir, log);
      const note = `${(manifest.isoBytes / 1024 / 1024).toFixed(1)} MiB, ${manifest.isoPath}`;
      return { changed, note };
    },
  };
}
