// SPDX-License-Identifier: Apache-2.0
// The ordered steps of `npm run setup`. The probe follows the tiny guest: it boots it.
import { aioCacheDir } from '../../libvirt/tiny-guest';
import { acceleratorStep } from './accelerator';
import { debianGuestStep } from './debian-guest';
import { guestStep } from './guest';
import { accountsStep, daemonsStep, firewallChainsStep, qemuConfStep } from './libvirt-host';
import { ovnDaemonsStep, ovnPackagesStep } from './ovn';
import { packagesStep } from './packages';
import type { SetupStep } from './step';
import { tinyIsoStep } from './tiny-iso';

/** The steps of one setup run (`forTests` adds the test-only Debian packages). */
export function setupSteps(forTests: boolean, cacheDir: string = aioCacheDir()): SetupStep[] {
  return [
    packagesStep(forTests),
    accountsStep(),
    qemuConfStep(),
    daemonsStep(),
    firewallChainsStep(),
    // Issue 17: Open vSwitch + OVN (userspace datapath), for networks that span hosts.
    ovnPackagesStep(),
    ovnDaemonsStep(),
    guestStep(cacheDir),
    tinyIsoStep(cacheDir),
    acceleratorStep(cacheDir),
    // Last: minutes on the first run, and nothing before it depends on it.
    debianGuestStep(cacheDir),
  ];
}
