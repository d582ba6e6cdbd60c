// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { toDiskSpec, validateDiskForm } from './disk-form';

describe('disk form', () => {
  const ok = { name: 'data1', sizeGiB: '1.5', format: 'cow' as const, storageDomainId: 'sd' };

  it('builds a thin qcow2 disk spec in bytes', () => {
    expect(validateDiskForm(ok)).toEqual({});
    expect(toDiskSpec(ok)).toEqual({
      name: 'data1',
      format: 'cow',
      sparse: true,
      provisionedSize: 1.5 * 1024 ** 3,
      storageDomain: { id: 'sd' },
    });
    expect(toDiskSpec({ ...ok, format: 'raw' }).sparse).toBe(false);
  });

  it('names every bad field', () => {
    expect(
      Object.keys(
        validateDiskForm({ name: 'a b', sizeGiB: 'x', format: 'raw', storageDomainId: '' }),
      ),
    ).toEqual(['name', 'sizeGiB', 'storageDomainId']);
  });
});
