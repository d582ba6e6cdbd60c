// SPDX-License-Identifier: Apache-2.0
// Hash routes (#/networks, #/hosts/<id>/networks, #/vms/<id>/console): they work the same from
// file:// in Electron and from `/` on the headless engine, with no server-side routing.
import { useEffect, useState } from 'react';

export interface Route {
  readonly section:
    'networks' | 'clusters' | 'hosts' | 'vms' | 'storage' | 'templates' | 'events' | 'labs';
  readonly id?: string;
  readonly tab?: string;
}

const SECTIONS: readonly Route['section'][] = [
  'networks',
  'clusters',
  'hosts',
  'vms',
  'storage',
  'templates',
  'events',
  'labs',
];

/** Parses `#/section/id/tab`; anything unknown lands on Networks. */
export function parseRoute(hash: string): Route {
  const [section, id, tab] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const s = SECTIONS.find((x) => x === section) ?? 'networks';
  return { section: s, ...(id ? { id } : {}), ...(tab ? { tab } : {}) };
}

/** Builds the hash for a route. */
export function href(route: Route): string {
  const parts: string[] = [route.section];
  if (route.id) parts.push(encodeURIComponent(route.id));
  if (route.id && route.tab) parts.push(encodeURIComponent(route.tab));
  return `#/${parts.join('/')}`;
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = (): void => {
      setRoute(parseRoute(window.location.hash));
    };
    window.addEventListener('hashchange', onChange);
    return () => {
      window.removeEventListener('hashchange', onChange);
    };
  }, []);
  return route;
}
