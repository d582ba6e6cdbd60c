// SPDX-License-Identifier: Apache-2.0
/**
 * The contract client: `invoke(op, input)` unwraps the envelope and rethrows a typed
 * {@link EngineError}, so screens use ordinary try/catch whatever the transport.
 */
import { EngineError } from '../../../main/contract/errors';
import type { EngineEvent } from '../../../main/contract/events';
import type { OpInput, OpName, OpOutput } from '../../../main/contract/operations';
import type { ConsoleChannel, ConsoleHandlers, Transport } from './transport';

/** The one event channel both transports carry: `Engine.subscribe`'s {@link EngineEvent}s. */
export const ENGINE_EVENTS = 'engine';

export class ContractClient {
  readonly transport: Transport;

  constructor(transport: Transport) {
    this.transport = transport;
  }

  /** Runs an operation and returns its result. @throws EngineError on `{ ok: false }`. */
  async invoke<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> {
    const envelope = await this.transport.invoke(op, input);
    if (!envelope.ok) throw new EngineError(envelope.error);
    return envelope.result as OpOutput<K>;
  }

  /** Every engine event (entity changes, progress, audit entries). */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    return this.transport.subscribe(ENGINE_EVENTS, (payload) => {
      listener(payload as EngineEvent);
    });
  }

  openConsole(vmId: string, handlers: ConsoleHandlers): Promise<ConsoleChannel> {
    return this.transport.openConsole(vmId, handlers);
  }
}
