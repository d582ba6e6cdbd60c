// SPDX-License-Identifier: Apache-2.0
/** Resolve `{ id } | { name }` references with oVirt's faults for the referenced kind. */
import type { Conn } from '../../db/client';
import { clustersRepo, dataCentersRepo } from '../../db/repos/data-centers.repo';
import { hostNicsRepo } from '../../db/repos/hosts.repo';
import { networksRepo } from '../../db/repos/networks.repo';
import { templatesRepo } from '../../db/repos/vms.repo';
import type { Cluster } from '../contract/clusters';
import type { DataCenter } from '../contract/data-centers';
import type { HostNic } from '../contract/hosts';
import type { EngineErrorCode } from '../contract/messages';
import type { Network } from '../contract/networks';
import type { Template } from '../contract/templates';
import { type Failure, failWith } from './validation';

export interface RefInput {
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

export type Resolved<T> = { ok: true; value: T } | { ok: false; failure: Failure };
const ok = <T>(value: T): Resolved<T> => ({ ok: true, value });
const fail = (code: EngineErrorCode, vars: Record<string, string> = {}): Resolved<never> => ({
  ok: false,
  failure: failWith(code, vars).failure,
});

function byRef<T extends { id: string; name: string }>(
  ref: RefInput,
  byId: (id: string) => T | null,
  byName: (name: string) => T | null,
  missing: () => Resolved<never>,
  incoherent: () => Resolved<never>,
): Resolved<T> {
  const e = ref.id !== undefined ? byId(ref.id) : ref.name !== undefined ? byName(ref.name) : null;
  if (!e) return missing();
  if (ref.name !== undefined && ref.id !== undefined && e.name !== ref.name) return incoherent();
  return ok(e);
}

export const resolveDataCenter = (c: Conn, ref: RefInput): Resolved<DataCenter> =>
  byRef(
    ref,
    (id) => dataCentersRepo.findById(c, id),
    (n) => dataCentersRepo.findByName(c, n),
    () => fail('ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST'),
    () => fail('ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST'),
  );

export const resolveCluster = (c: Conn, ref: RefInput): Resolved<Cluster> =>
  byRef(
    ref,
    (id) => clustersRepo.findById(c, id),
    (n) => clustersRepo.findByName(c, n),
    () => fail('VDS_CLUSTER_IS_NOT_VALID'),
    () => fail('VDS_CLUSTER_IS_NOT_VALID'),
  );

export const resolveTemplate = (c: Conn, ref: RefInput): Resolved<Template> =>
  byRef(
    ref,
    (id) => templatesRepo.findById(c, id),
    (n) => templatesRepo.findByName(c, n),
    () => fail('ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST'),
    () => fail('ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST'),
  );

/**
 * A network by id or name. Names are unique per data center; `dataCenterId` narrows the
 * search when known (host setup: the host's data center).
 */
export function resolveNetwork(
  c: Conn,
  ref: RefInput,
  dataCenterId: string | null,
  missingCode: 'NETWORK_NOT_EXISTS' | 'BY_REF' = 'BY_REF',
): Resolved<Network> {
  const byName = (n: string): Network | null =>
    dataCenterId !== null
      ? networksRepo.findByName(c, dataCenterId, n)
      : (networksRepo.listByName(c, n)[0] ?? null);
  return byRef(
    ref,
    (id) => networksRepo.findById(c, id),
    byName,
    () =>
      missingCode === 'NETWORK_NOT_EXISTS'
        ? fail('NETWORK_NOT_EXISTS')
        : ref.id !== undefined
          ? fail('NETWORK_HAVING_ID_NOT_EXISTS', { networkId: ref.id })
          : fail('NETWORK_HAVING_NAME_NOT_EXISTS', { networkName: ref.name ?? '' }),
    () =>
      fail('NETWORK_ATTACHMENT_REFERENCES_NETWORK_INCOHERENTLY', {
        networkId: ref.id ?? '',
        networkName: ref.name ?? '',
      }),
  );
}

export function resolveHostNic(c: Conn, hostId: string, ref: RefInput): Resolved<HostNic> {
  const missing = (): Resolved<never> =>
    fail('HOST_NETWORK_INTERFACE_HAVING_ID_OR_NAME_DOES_NOT_EXIST', {
      nicId: ref.id ?? 'null',
      nicName: ref.name ?? 'null',
    });
  return byRef(
    ref,
    (id) => hostNicsRepo.findById(c, hostId, id),
    (n) => hostNicsRepo.findByName(c, hostId, n),
    missing,
    missing,
  );
}
