// SPDX-License-Identifier: Apache-2.0
/**
 * Users of the engine's internal domain (`types/User.java`): today `admin@internal`, created
 * at first start. oVirt names the authorization profile `<domain>-authz`.
 */
export interface User {
  readonly id: string;
  /** The login name without the domain (`admin`). */
  readonly name: string;
  /** The authentication domain as the user logs in (`internal`). */
  readonly domain: string;
  readonly admin: boolean;
}
