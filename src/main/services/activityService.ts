/**
 * What the agent is doing that must not be interrupted (a restart to update, for one): a call in
 * progress (reported by the softphone) and unsent changes (reported by the sync client).
 */
export class ActivityService {
  private callActive = false;
  private pendingSource: () => number = () => 0;

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
