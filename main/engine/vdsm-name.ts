// SPDX-License-Identifier: Apache-2.0
/** oVirt's `vdsm_name` rule; pure, so it lives with the other name rules in the contract. */
export { vdsmNameOf } from '../contract/rules/names';
