// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { vdsmNameOf } from './vdsm-name';

const ID = '3f2b8c1e-9a7d-4e21-b0c4-5d6e7f809a1b';

describe('vdsmNameOf', () => {
  it('keeps a short safe name', () => {
    expect(vdsmNameOf('blue', ID)).toBe('blue');
    expect(vdsmNameOf('a_b-C9', ID)).toBe('a_b-C9');
    expect(vdsmNameOf('x'.repeat(15), ID)).toBe('x'.repeat(15));
  });
  it('uses on + 13 id alphanumerics for long or unsafe names', () => {
    expect(vdsmNameOf('x'.repeat(16), ID)).toBe('on3f2b8c1e9a7d4');
    expect(vdsmNameOf('my net', ID)).toBe('on3f2b8c1e9a7d4');
    expect(vdsmNameOf('réseau', ID)).toHaveLength(15);
  });
});
