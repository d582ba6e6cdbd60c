// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12: `/vms/{id}/reporteddevices` (and per vNIC, as oVirt has them) with the addresses
 * the segment's DHCP gave each vNIC, and the AIO addition `/networks/{id}/segment` (the
 * DHCP/DNS service of an isolated network, read back, with its leases).
 *
 * @see https://ovirt.github.io/ovirt-engine-api-model/4.5/#services/vm_reported_devices
 */
import { networkSegmentDoc, reportedDeviceDoc } from '../mappers/address-plan.mapper';
import { collectionOrMember, type Handler, ok, param, type Reply, type RestContext } from '../rest';
import type { Router } from '../router';

/** `/vms/{id}/reporteddevices[/{rid}]`. */
async function vmReportedDevices(ctx: RestContext): Promise<Reply> {
  const devices = await ctx.call('GetVmReportedDevices', { id: param(ctx, 'id') });
  return collectionOrMember('reported_devices', 'reported_device', devices, ctx.params.rid, (d) =>
    reportedDeviceDoc(ctx.base, d),
  );
}

/** `/vms/{id}/nics/{nid}/reporteddevices[/{rid}]`: the devices of that vNIC. */
async function nicReportedDevices(ctx: RestContext): Promise<Reply> {
  const key = { vmId: param(ctx, 'id'), id: param(ctx, 'nid') };
  await ctx.call('GetVmInterfaceById', key);
  const devices = await ctx.call('GetVmReportedDevices', { id: key.vmId });
  return collectionOrMember(
    'reported_devices',
    'reported_device',
    devices.filter((d) => d.nicId === key.id),
    ctx.params.rid,
    (d) => reportedDeviceDoc(ctx.base, d),
  );
}

/** Registers the segment routes. */
export function registerSegmentRoutes(router: Router<Handler>): void {
  router
    .add('GET', '/vms/:id/reporteddevices', vmReportedDevices)
    .add('GET', '/vms/:id/reporteddevices/:rid', vmReportedDevices)
    .add('GET', '/vms/:id/nics/:nid/reporteddevices', nicReportedDevices)
    .add('GET', '/vms/:id/nics/:nid/reporteddevices/:rid', nicReportedDevices)
    .add('GET', '/networks/:id/segment', async (ctx) =>
      ok(
        'segment',
        networkSegmentDoc(ctx.base, await ctx.call('GetNetworkSegment', { id: param(ctx, 'id') })),
      ),
    );
}
