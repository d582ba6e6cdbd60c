// SPDX-License-Identifier: Apache-2.0
/** The engine's publish/subscribe of contract events. A throwing listener never breaks others. */
import type { EngineEvent, EntityKind } from '../contract/events';

export class EventBus {
  private readonly listeners = new Set<(e: EngineEvent) => void>();

  subscribe(listener: (e: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  publish(event: EngineEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A subscriber's bug must not fail the command that published.
      }
    }
  }

  entity(entity: EntityKind, id: string, action: 'added' | 'updated' | 'removed'): void {
    this.publish({ type: 'entity', entity, id, action });
  }
}
