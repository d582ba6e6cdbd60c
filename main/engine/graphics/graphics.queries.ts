// SPDX-License-Identifier: Apache-2.0
/**
 * Graphical consoles (issue 16): `GetVmGraphicsConsoles` (oVirt's `/vms/{id}/graphicsconsoles`,
 * the port read back from the running domain), `SetVmTicket` (a new random VNC password with
 * an expiry, set on the domain and remembered as a one-time WebSocket ticket) and
 * `UseGraphicsTicket` (the WebSocket proxy spends a ticket: where to connect, once).
 * VNC is always there and first (the Screen tab's noVNC uses it); SPICE follows where the
 * host's QEMU has it, as in oVirt, whose console ids are per protocol.
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
const SPICE_ID = graphicsConsoleId('spice');
const RUNNING = new Set(['up', 'paused', 'powering_up', 'powering_down', 'reboot_in_progress']);

async function display(ctx: EngineContext, vmId: string): Promise<GraphicsEndpoint | null> {
  try {
    return await ctx.host.domainGraphics(vmId);
  } catch {
    // A domain that vanished or a host that does not answer: no screen to offer now.
    return null;
  }
}

/**
 * The SPICE display: a running VM's live one (null when it was defined without), or for a VM
 * that is down whether the host would give it one. `undefined` = no SPICE console.
 */
async function spice(
  ctx: EngineContext,
  vmId: string,
  running: boolean,
): Promise<GraphicsEndpoint | null | undefined> {
  try {
    if (!running) return (await ctx.host.spiceSupported?.()) === true ? null : undefined;
    return (await ctx.host.domainSpice?.(vmId)) ?? undefined;
  } catch {
    return undefined;
  }
}

export const GetVmGraphicsConsoles: Query<'GetVmGraphicsConsoles'> = async (ctx, i) => {
  const vm = must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
  const running = RUNNING.has(vm.status);
  const where = running ? await display(ctx, vm.id) : null;
  const console: GraphicsConsole = {
    id: VNC_ID,
    vmId: vm.id,
    protocol: 'vnc',
    address: where?.address ?? null,
    port: where?.port ?? null,
  };
  const spiceAt = await spice(ctx, vm.id, running);
  if (spiceAt === undefined) return [console];
  return [
    console,
    {
      id: SPICE_ID,
      vmId: vm.id,
      protocol: 'spice',
      address: spiceAt?.address ?? null,
      port: spiceAt?.port ?? null,
    },
  ];
};

export const UseGraphicsTicket: Query<'UseGraphicsTicket'> = (ctx, i) => {
  if (!ctx.principal.admin) throw new CommandFailure('USER_NOT_AUTHORIZED_TO_PERFORM_ACTION');
  const ticket = ctx.graphicsTickets.take(i.ticket);
  if (ticket === null) throw notFound('ticket', '');
  return ticket.display;
};
