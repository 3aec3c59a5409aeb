import type { EventChannel } from '../../shared/channels';
import type { EventPayload } from '../../shared/api';

type Listener = <E extends EventChannel>(event: E, payload: EventPayload<E>) => void;

/** Fan-out of API events from services to every connected transport (IPC windows, host sockets). */
export class EventHub {
  private readonly listeners = new Set<Listener>();

  /** Subscribes to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) l(event, payload);
  }
}
