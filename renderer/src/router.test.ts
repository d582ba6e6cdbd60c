// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { href, parseRoute } from './router';

describe('router', () => {
  it('round-trips routes with ids and tabs', () => {
    const r = { section: 'hosts', id: 'a b', tab: 'networks' } as const;
    expect(parseRoute(href(r))).toEqual(r);
  });
  it('falls back to networks for unknown sections', () => {
    expect(parseRoute('#/nope')).toEqual({ section: 'networks' });
    expect(parseRoute('')).toEqual({ section: 'networks' });
  });
});
