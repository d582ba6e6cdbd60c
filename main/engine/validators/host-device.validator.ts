// SPDX-License-Identifier: Apache-2.0
/**
 * A network's on-host name (`vdsm_name`, its bridge) must be able to become a Linux device on
 * every host (issue 13 item 10): the kernel's `dev_valid_name` rules, iproute2's, and no
 * existing host device this product does not manage. Checked when a network is created or
 * renamed, so such a name is refused at once instead of failing every later attach.
 */
import { deviceNameProblem } from '../../contract/rules/names';
import type { EngineServices } from '../context';
import { type Failure, failWith, firstFailure, type ValidationResult } from '../validation';

// The kernel's device name rule is the contract's (the host layer checks with it too).
export { deviceNameProblem } from '../../contract/rules/names';

/** The on-host name follows the kernel's rules (pure; no host I/O). */
export function validateOnHostName(networkName: string, vdsmName: string): ValidationResult {
  const problem = deviceNameProblem(vdsmName);
  return failWith('NETWORK_ON_HOST_NAME_INVALID', {
    NetworkName: networkName,
    vdsmName,
    reason: problem ?? '',
  }).when(problem !== null);
}

/**
 * The on-host name is not taken by a device of the local host that this product does not
 * manage (`lo`, `eth0`, a VM tap, docker0, …). A bridge it manages is another network's and
 * is the database's business (validateVdsmNameFree). When the host's devices cannot be read,
 * the attach still validates against them; the create is not blocked for that.
 */
export async function hostDeviceFailure(
  ctx: EngineServices,
  networkName: string,
  vdsmName: string,
): Promise<Failure | null> {
  let device;
  try {
    device = await ctx.host.hostDevice(vdsmName);
  } catch {
    return null;
  }
  return firstFailure(() =>
    failWith('ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE', {
      NetworkName: networkName,
      vdsmName,
      deviceKind: device?.kind ?? 'physical device or loopback',
    }).when(device !== null && !device.managed),
  );
}
