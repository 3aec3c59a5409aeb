import type { RingingCall } from '../../shared/api';
import type { EventHub } from '../base/events';

/**
 * What the agent is doing that must not be interrupted (a restart to update, for one): a call in
 * progress (reported by the softphone) and unsent changes (reported by the sync client).
 */
export class ActivityService {
  private callActive = false;
  private pendingSource: () => number = () => 0;
  private ringing: RingingCall[] = [];

  constructor(private readonly events: EventHub) {}

  /** The calls ringing now; told to notifications and the tray when the list changes. */
  setRinging(calls: RingingCall[]): { ok: true } {
    if (JSON.stringify(calls) !== JSON.stringify(this.ringing)) {
      this.ringing = calls;
      this.events.emit('phone:ringingChanged', calls);
    }
    return { ok: true };
  }

  ringingCalls(): RingingCall[] {
    return this.ringing;
  }

  /** Answer or decline a ringing call from outside the window: the softphone does it. */
  callAction(callId: string, action: 'answer' | 'decline'): { ok: true } {
    this.events.emit('phone:callAction', { callId, action });
    return { ok: true };
  }

  setCallActive(active: boolean): { active: boolean } {
    this.callActive = active;
    return { active };
  }

  inCall(): boolean {
    return this.callActive;
  }

  /** The sync client registers how to count the outbox. */
  setPendingSource(source: () => number): void {
    this.pendingSource = source;
  }

  pendingOutbox(): number {
    return this.pendingSource();
  }
}
