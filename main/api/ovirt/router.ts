// SPDX-License-Identifier: Apache-2.0
/**
 * A small path router. Pattern segments: literals, `:name` (must be a UUID, or the request
 * gets oVirt's empty 404, as `asGuidOr404` does), and `~name` (any non-empty text, for
 * label and statistic ids).
 */
import { isUuid } from './input';

type Segment = { kind: 'lit'; text: string } | { kind: 'uuid' | 'text'; name: string };

interface Route<H> {
  readonly method: string;
  readonly pattern: string;
  readonly segments: readonly Segment[];
  readonly handler: H;
}

/** What a lookup found. */
export type Match<H> =
  | { readonly kind: 'found'; readonly handler: H; readonly params: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not-found' };

function parsePattern(pattern: string): Segment[] {
  return pattern
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      if (s.startsWith(':')) return { kind: 'uuid', name: s.slice(1) };
      if (s.startsWith('~')) return { kind: 'text', name: s.slice(1) };
      return { kind: 'lit', text: s };
    });
}

/** Method + pattern → handler table. */
export class Router<H> {
  private readonly routes: Route<H>[] = [];

  /** Registers a handler; `GET` also answers `HEAD`. */
  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, pattern, segments: parsePattern(pattern), handler });
    return this;
  }

  /** Every registered method and pattern, in registration order (for the fuzzer and docs). */
  list(): { readonly method: string; readonly pattern: string }[] {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }

  /** Finds the handler for a path relative to the API root (no query string). */
  match(method: string, path: string): Match<H> {
    let parts: string[];
    try {
      parts = path
        .split('/')
        .filter((s) => s !== '')
        .map((s) => decodeURIComponent(s));
    } catch {
      return { kind: 'not-found' };
    }
    const allow: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (params === null) continue;
      if (params === 'bad-id') return { kind: 'not-found' };
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { kind: 'found', handler: route.handler, params };
      }
      allow.push(route.method);
    }
    return allow.length ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
  }
}

function matchSegments(
  segments: readonly Segment[],
  parts: readonly string[],
): Record<string, string> | null | 'bad-id' {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  let badId = false;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const part = parts[i];
    if (seg === undefined || part === undefined) return null;
    if (seg.kind === 'lit') {
      if (seg.text !== part) return null;
    } else {
      if (seg.kind === 'uuid' && !isUuid(part)) badId = true;
      params[seg.name] = seg.kind === 'uuid' ? part.toLowerCase() : part;
    }
  }
  return badId ? 'bad-id' : params;
}
