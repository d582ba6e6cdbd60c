// SPDX-License-Identifier: Apache-2.0
// Issue 12: the addresses a running VM's NICs hold, as oVirt reports them
// (`/vms/{id}/reporteddevices`), here from the leases of the segments' DHCP.
import { HelperText, HelperTextItem } from '@patternfly/react-core';

import type { Vm } from '../../../../main/contract/vms';
import { domId } from '../../components/ids';
import { useQuery } from '../../hooks';

export function VmReportedDevices({ vm }: { vm: Vm }) {
  // A guest takes its lease some seconds after boot, with no event: poll while shown.
  const devices = useQuery('GetVmReportedDevices', { id: vm.id }, ['vm', 'vm_nic'], 5000);
  const list = devices.data ?? [];
  if (vm.status === 'down') return null;
  return (
    <HelperText style={{ marginTop: 8 }} id={domId('vm', vm.name, 'reported-addresses')}>
      {list.length === 0 ? (
        <HelperTextItem>No address reported by the guest yet.</HelperTextItem>
      ) : (
        list.map((d) => (
          <HelperTextItem key={d.id} id={domId('vm', `${vm.name}-${d.name}`, 'reported')}>
            {d.name} (<span className="aio-mono">{d.mac}</span>) holds{' '}
            <span className="aio-mono">{d.ips.map((ip) => ip.address).join(', ')}</span>
          </HelperTextItem>
        ))
      )}
    </HelperText>
  );
}
