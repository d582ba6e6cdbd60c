// SPDX-License-Identifier: Apache-2.0
// The shape the VM's Disks and CD-ROM tabs share: a select of disks (a floating disk to
// attach, an ISO image to insert) whose placeholder says what to choose — or that there is
// nothing to choose — followed by the actions on the chosen disk (the caller's FlexItems).
import { Flex, FlexItem, FormSelect, FormSelectOption } from '@patternfly/react-core';
import type { CSSProperties, ReactNode } from 'react';

import type { Disk } from '../../../../main/contract/disks';
import { formatBytes } from '../../components/bytes';

export interface DiskPickerProps {
  readonly id: string;
  /** The select's accessible name. */
  readonly label: string;
  readonly disks: readonly Disk[];
  /** The chosen disk's id, '' for none. */
  readonly value: string;
  readonly onChange: (id: string) => void;
  /** Placeholder when there are disks to choose from, and when there are none. */
  readonly choose: string;
  readonly none: string;
  /** What the option shows after the disk's size (e.g. its format). */
  readonly detail?: (d: Disk) => string;
  readonly style?: CSSProperties;
  /** The actions: FlexItems after the select. */
  readonly children: ReactNode;
}

export function DiskPicker(p: DiskPickerProps) {
  return (
    <Flex style={p.style} alignItems={{ default: 'alignItemsCenter' }}>
      <FlexItem>
        <FormSelect
          id={p.id}
          aria-label={p.label}
          value={p.value}
          onChange={(_e, v) => {
            p.onChange(v);
          }}
        >
          <FormSelectOption value="" label={p.disks.length ? p.choose : p.none} isPlaceholder />
          {p.disks.map((d) => (
            <FormSelectOption
              key={d.id}
              value={d.id}
              label={`${d.name} (${formatBytes(d.provisionedSize)}${p.detail ? `, ${p.detail(d)}` : ''})`}
            />
          ))}
        </FormSelect>
      </FlexItem>
      {p.children}
    </Flex>
  );
}
