// SPDX-License-Identifier: Apache-2.0
/**
 * Graphical consoles (issue 16): `GetVmGraphicsConsoles` (oVirt's `/vms/{id}/graphicsconsoles`,
 * the port read back from the running domain), `SetVmTicket` (a new random VNC password with
 * an expiry, set on the domain and remembered as a one-time WebSocket ticket) and
 * `UseGraphicsTicket` (the WebSocket proxy spends a ticket: where to connect, once).
 *
 * SetVmTicket is a query here, like GetImageTransferTicket: it changes only the running
 * domain's password and the engine's in-memory tickets, no database row, so it takes no lock
 * and writes no audit entry yet (oVirt audits VM_SET_TICKET; see notes/screen.md).
 */
import { randomBytes } from 'node:crypto';

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
import { DEFAULT_TICKET_SECONDS } from './tickets';

const VNC_ID = graphicsConsoleId('vnc');
const RUNNING = new Set(['up', 'paused', 'powering_up', 'powering_down', 'reboot_in_progress']);

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** VNC passwords are 8 characters (RFB DES auth); URL-safe so it fits in the WebSocket path. */
function newTicketValue(): string {
  return randomBytes(6).toString('base64url');
}

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

export const SetVmTicket: Query<'SetVmTicket'> = async (ctx, i) => {
  // A ticket opens the VM's screen: as for the serial console, administrators only (queries
  // are not authorized by the runner the way commands are).
  if (!ctx.principal.admin) throw new CommandFailure('USER_NOT_AUTHORIZED_TO_PERFORM_ACTION');
  const vm = must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
  if (i.consoleId !== undefined && i.consoleId !== VNC_ID)
    throw notFound('graphicsconsole', i.consoleId);
  if (!RUNNING.has(vm.status)) throw new CommandFailure('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING');
  const where = await display(ctx, vm.id);
  if (where === null) throw new CommandFailure('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING');
  const expiry = i.expiry ?? DEFAULT_TICKET_SECONDS;
  const value = i.value ?? newTicketValue();
  const expiresAt = Date.now() + expiry * 1000;
  try {
    await ctx.host.domainGraphicsTicket(vm.id, value, new Date(expiresAt));
  } catch (e) {
    throw new CommandFailure('HYPERVISOR_ERROR', { detail: describe(e) }, { cause: e });
  }
  ctx.graphicsTickets.add({ value, vmId: vm.id, display: where, expiresAt });
  return { value, expiry, vmName: vm.name, address: where.address, port: where.port };
};

export const UseGraphicsTicket: Query<'UseGraphicsTicket'> = (ctx, i) => {
  if (!ctx.principal.admin) throw new CommandFailure('USER_NOT_AUTHORIZED_TO_PERFORM_ACTION');
  const ticket = ctx.graphicsTickets.take(i.ticket);
  if (ticket === null) throw notFound('ticket', '');
  return ticket.display;
};
