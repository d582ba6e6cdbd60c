// SPDX-License-Identifier: Apache-2.0
/**
 * Graphical consoles (issue 16): `GetVmGraphicsConsoles` (oVirt's `/vms/{id}/graphicsconsoles`,
 * the port read back from the running domain), `SetVmTicket` (a new random VNC password with
 * an expiry, set on the domain and remembered as a one-time WebSocket ticket) and
 * `UseGraphicsTicket` (the WebSocket proxy spends a ticket: where to connect, once).
 * */
import { vmsRepo } from '../../../db/repos/vms.repo';
import {
  type GraphicsConsole,
  graphicsConsoleId,
  type GraphicsEndpoint,
} from '../../contract/graphics';
import type { Query } from '../command';
import type { EngineContext } from '../context';
import { must } from '../queries/must';
import { CommandFailure, notFound } from '../validation';

const VNC_ID = graphicsConsoleId('vnc');
const RUNNING = new Set(['up', 'paused', 'powering_up', 'powering_down', 'reboot_in_progress']);

async function display(ctx: EngineContext, vmId: string): Promise<GraphicsEndpoint | null> {
  try {
    return await ctx.host.domainGraphics(vmId);
  } catch {
    // A domain that vanished or a host that does not answer: no screen to offer now.
    return null;
  }
}

export const GetVmGraphicsConsoles: Query<'GetVmGraphicsConsoles'> = async (ctx, i) => {
  const vm = must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
  const where = RUNNING.has(vm.status) ? await display(ctx, vm.id) : null;
  const console: GraphicsConsole = {
    id: VNC_ID,
    vmId: vm.id,
    protocol: 'vnc',
    address: where?.address ?? null,
    port: where?.port ?? null,
  };
  return [console];
};

export const UseGraphicsTicket: Query<'UseGraphicsTicket'> = (ctx, i) => {
  if (!ctx.principal.admin) throw new CommandFailure('USER_NOT_AUTHORIZED_TO_PERFORM_ACTION');
  const ticket = ctx.graphicsTickets.take(i.ticket);
  if (ticket === null) throw notFound('ticket', '');
  return ticket.display;
};
