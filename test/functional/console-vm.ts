// SPDX-License-Identifier: Apache-2.0
/**
 * The set-up the graphics-console REST tests share (graphics-rest, spice-rest): one real
 * appliance with one tiny VM (192 MiB, down) made over REST before the file's tests, stopped
 * and removed with the appliance after them, and the requests those tests make of its
 * consoles.
 */
import { afterAll, beforeAll, expect } from 'vitest';

import {
  API,
  type Appliance,
  entity,
  items,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

export interface ConsoleVm {
  /** The appliance (valid inside the tests). */
  readonly a: Appliance;
  /** The VM's id (valid inside the tests). */
  readonly vmId: string;
  /** A request under the API root, with a body when given. */
  readonly req: (method: string, path: string, body?: string) => Promise<Reply>;
  /** The VM's consoles with `?current=true` (address and port of a running VM). */
  readonly consoles: () => Promise<Record<string, unknown>[]>;
  /** `POST …/graphicsconsoles/{id}/ticket` with `action` (default `<action/>`). */
  readonly ticket: (consoleId: string, action?: string) => Promise<Reply>;
  /** `POST …/graphicsconsoles/{id}/remoteviewerconnectionfile`: the `.vv` file's text. */
  readonly vvFile: (consoleId: string) => Promise<Reply>;
}

/** Registers the file's beforeAll/afterAll: an appliance and a tiny VM named `<stem>…`. */
export function consoleVm(stem: string): ConsoleVm {
  let a: Appliance | undefined;
  let vmId = '';
  const appliance = (): Appliance => {
    if (a === undefined) throw new Error('the appliance is not started (outside a test?)');
    return a;
  };
  const req = (method: string, path: string, body?: string): Promise<Reply> =>
    appliance().request(method, `${API}${path}`, body === undefined ? {} : { body });

  beforeAll(async () => {
    a = await startAppliance();
    const vm = await req(
      'POST',
      '/vms',
      `<vm><memory>${String(192 * 1024 * 1024)}</memory><name>${uniqueName(stem)}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`,
    );
    expect(vm.status, vm.text).toBe(201);
    vmId = String(entity(vm.body, 'vm').id);
  });

  afterAll(async () => {
    if (vmId !== '') {
      await req('POST', `/vms/${vmId}/stop`, '<action/>').catch(() => undefined);
      await req('DELETE', `/vms/${vmId}`).catch(() => undefined);
    }
    await a?.stop();
  });

  return {
    get a() {
      return appliance();
    },
    get vmId() {
      return vmId;
    },
    req,
    consoles: async () =>
      items(
        (await req('GET', `/vms/${vmId}/graphicsconsoles?current=true`)).body,
        'graphics_consoles',
        'graphics_console',
      ),
    ticket: (consoleId, action = '<action/>') =>
      req('POST', `/vms/${vmId}/graphicsconsoles/${consoleId}/ticket`, action),
    vvFile: (consoleId) =>
      req(
        'POST',
        `/vms/${vmId}/graphicsconsoles/${consoleId}/remoteviewerconnectionfile`,
        '<action/>',
      ),
  };
}
