// SPDX-License-Identifier: Apache-2.0
// Data hooks: each screen asks for an operation's result and names the contract events that
// make it stale; the hook re-runs the query when one of them arrives (the "store" of a screen).
import { useCallback, useEffect, useRef, useState } from 'react';

import type { ClusterNetwork } from '../../main/contract/clusters';
import type { EntityKind } from '../../main/contract/events';
import type { OpInput, OpName, OpOutput } from '../../main/contract/operations';
import { useClient } from './context';

export interface QueryState<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/**
 * Runs `op` with `input` now, again whenever an entity of one of `kinds` changes, and every
 * `pollMs` milliseconds when given (for values with no event, such as rates).
 */
export function useQuery<K extends OpName>(
  op: K | null,
  input: OpInput<K>,
  kinds: readonly EntityKind[] = [],
  pollMs?: number,
): QueryState<OpOutput<K>> {
  type T = OpOutput<K>;
  const client = useClient();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(op !== null);
  const key = JSON.stringify(input ?? null);
  const seq = useRef(0);
  // Compared by value: screens pass a fresh literal array on every render.
  const kindsKey = kinds.join(',');

  const reload = useCallback(() => {
    if (op === null) return;
    const mine = ++seq.current;
    client.invoke(op, JSON.parse(key) as OpInput<K>).then(
      (result) => {
        if (mine !== seq.current) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (mine !== seq.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [client, op, key]);

  useEffect(() => {
    reload();
    const watched = new Set(kindsKey.split(','));
    const off = client.onEvent((e) => {
      if (e.type === 'entity' && watched.has(e.entity)) reload();
    });
    const timer = pollMs ? setInterval(reload, pollMs) : undefined;
    return () => {
      off();
      if (timer) clearInterval(timer);
    };
  }, [reload, client, pollMs, kindsKey]);

  return { data, error, loading, reload };
}

/**
 * For every cluster, its networks in cluster context (`required`, roles); re-read when
 * network–cluster relations change. Keyed by cluster id.
 */
export function useClusterNetworks(
  clusterIds: readonly string[],
  /** Bump to re-read now (after this window changed something). */
  version = 0,
): Record<string, readonly ClusterNetwork[]> {
  const client = useClient();
  const [map, setMap] = useState<Record<string, readonly ClusterNetwork[]>>({});
  const key = clusterIds.join(',');
  useEffect(() => {
    let live = true;
    const load = (): void => {
      const ids = key ? key.split(',') : [];
      void Promise.all(
        ids.map((clusterId) =>
          client.invoke('GetNetworksByClusterId', { clusterId }).then(
            (nets) => [clusterId, nets] as const,
            () => [clusterId, [] as ClusterNetwork[]] as const,
          ),
        ),
      ).then((pairs) => {
        if (live) setMap(Object.fromEntries(pairs));
      });
    };
    load();
    const off = client.onEvent((e) => {
      if (e.type === 'entity' && (e.entity === 'network_cluster' || e.entity === 'network')) load();
    });
    return () => {
      live = false;
      off();
    };
  }, [client, key, version]);
  return map;
}
