// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run setup` (and `npm run setup:test` = `--for-tests`): prepares this machine for the
 * product, idempotently. Each step prints what it changed, or "unchanged", and its duration;
 * a second run on a prepared machine changes nothing and takes a few seconds at most.
 *
 * Steps: Debian packages → libvirt accounts → qemu.conf and log directory → virtlogd/libvirtd
 * → the demo guest "tiny" (cached by content hash) → the KVM/TCG probe (which boots that guest).
 *
 * Exit codes: 0 ok, 2 usage, 3 no root/sudo, 5 apt-get failed, 6 libvirt, 7 guest build,
 * 8 probe (see ./step.ts).
 */
import { setupSteps } from './plan';
import { runSteps } from './step';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--for-tests');
if (unknown.length) {
  process.stderr.write(
    `usage: tsx build/setup/setup.ts [--for-tests]\nunknown: ${unknown.join(' ')}\n`,
  );
  process.exit(2);
}
const forTests = args.includes('--for-tests');

process.exitCode = await runSteps(setupSteps(forTests));
