// SPDX-License-Identifier: Apache-2.0
/**
 * SetVmTicket (oVirt's `graphicsconsoles/{id}/ticket`, SetVmTicketCommand): a new random VNC
 * password with an expiry, set on the running domain and remembered as a one-time WebSocket
 * ticket. A command, as in oVirt: administrators only (the runner checks), the VM locked while
 * the password changes (two tickets at once cannot interleave), and an audit entry
 * `VM_SET_TICKET` naming who opened whose screen — never the password.
 * The console id picks the protocol: VNC (default) also gets a one-time WebSocket ticket for
 * the Screen tab; SPICE (`7370696365`) only sets the SPICE password (for remote-viewer).
 */
import { randomBytes } from 'node:crypto';

import { vmsRepo } from '../../../db/repos/vms.repo';
import {
  graphicsConsoleId,
  type GraphicsEndpoint,
  type GraphicsProtocol,
  graphicsProtocolOf,
  type VmTicket,
} from '../../contract/graphics';
import type { Vm } from '../../contract/vms';
import { defineCommand, lockKey } from '../command';
import type { EngineContext } from '../context';
import { CommandFailure, failWith, invalid, notFound, valid } from '../validation';
import { DEFAULT_TICKET_SECONDS } from './tickets';

const SPICE_ID = graphicsConsoleId('spice');
const RUNNING = new Set(['up', 'paused', 'powering_up', 'powering_down', 'reboot_in_progress']);

/** VNC passwords are 8 characters (RFB DES auth); URL-safe so it fits in the WebSocket path. */
function newTicketValue(protocol: GraphicsProtocol): string {
  // SPICE takes longer passwords: 16 characters, as hard to guess as oVirt's.
  return randomBytes(protocol === 'spice' ? 12 : 6).toString('base64url');
}

/** The console's protocol; no id means VNC (the console every VM has). */
function protocolOf(consoleId: string | undefined): GraphicsProtocol | null {
  return consoleId === undefined ? 'vnc' : graphicsProtocolOf(consoleId);
}

/** Where the VM's display of that protocol listens now, or null. */
async function displayOf(
  ctx: EngineContext,
  vmId: string,
  protocol: GraphicsProtocol,
): Promise<GraphicsEndpoint | null> {
  try {
    if (protocol === 'spice') return (await ctx.host.domainSpice?.(vmId)) ?? null;
    return await ctx.host.domainGraphics(vmId);
  } catch {
    // A domain that vanished or a host that does not answer: no screen to offer now.
    return null;
  }
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export const SetVmTicketCommand = defineCommand<'SetVmTicket', Vm>({
  action: 'set',
  type: 'console ticket',
  auditCode: 'VM_SET_TICKET',
  locks: (_ctx, input) => [lockKey.vm(input.id)],
  validate: (ctx, input) => {
    const vm = vmsRepo.findById(ctx.database.db, input.id);
    if (!vm) throw notFound('vm', input.id);
    const protocol = protocolOf(input.consoleId);
    if (protocol === null || (protocol === 'spice' && ctx.host.domainSpiceTicket === undefined))
      throw notFound('graphicsconsole', input.consoleId ?? '');
    const f = failWith('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING').when(!RUNNING.has(vm.status));
    return f ? invalid(f) : valid(vm);
  },
  execute: async (ctx, input, vm): Promise<VmTicket> => {
    const protocol = input.consoleId === SPICE_ID ? 'spice' : 'vnc';
    const where = await displayOf(ctx, vm.id, protocol);
    if (where === null) throw new CommandFailure('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING');
    const expiry = input.expiry ?? DEFAULT_TICKET_SECONDS;
    const value = input.value ?? newTicketValue(protocol);
    const expiresAt = Date.now() + expiry * 1000;
    try {
      if (protocol === 'spice')
        await ctx.host.domainSpiceTicket?.(vm.id, value, new Date(expiresAt));
      else await ctx.host.domainGraphicsTicket(vm.id, value, new Date(expiresAt));
    } catch (e) {
      throw new CommandFailure('HYPERVISOR_ERROR', { detail: describe(e) }, { cause: e });
    }
    // The WebSocket (noVNC) speaks VNC only: a SPICE ticket opens no WebSocket.
    if (protocol === 'vnc')
      ctx.graphicsTickets.add({ value, vmId: vm.id, display: where, expiresAt });
    return { value, expiry, vmName: vm.name, address: where.address, port: where.port };
  },
  subject: (input, vm) => ({
    description: `console session for VM ${vm?.name ?? input.id} (ticket valid ${
      input.expiry ?? DEFAULT_TICKET_SECONDS
    } s)`,
    vmId: input.id,
    hostId: vm?.hostId ?? null,
  }),
});
