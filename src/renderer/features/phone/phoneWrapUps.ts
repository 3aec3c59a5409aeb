import { DEFAULT_AFTER_CALL_WORK_SECONDS } from '../../../shared/phone';
import type { ApiClient } from '../../api/client';
import type { RootStore } from '../../store';
import { AfterCallWork } from './afterCallWork';
import type { PhoneRecordings } from './phoneRecording';
import type { WrapUp } from './phoneSlice';

const EMPTY_DRAFT = { disposition: '', note: '', name: '' };

/**
 * Finished calls waiting for their wrap-up, oldest first, with the after-call work clock of the
 * one shown: when the account's limit runs out, it saves itself with what the form holds.
 */
export class PhoneWrapUps {
  /** Seconds of after-call work allowed (the SIP account's setting; 0: no limit). */
  limitSec = DEFAULT_AFTER_CALL_WORK_SECONDS;
  private saving = false;
  private readonly acw: AfterCallWork;

  constructor(
    private readonly api: ApiClient,
    private readonly store: RootStore,
    private readonly recordings: PhoneRecordings,
    /** Re-decides the status calls cause (after-call work ends with the last wrap-up). */
    private readonly syncStatus: () => Promise<void>,
    fail: (err: unknown) => void,
  ) {
    this.acw = new AfterCallWork({
      limitSec: () => this.limitSec,
      onExpired: () => {
        const d = store.getState().wrapDraft;
        void this.save(d.disposition, d.note.trim(), d.name.trim() || undefined).then(
          () => store.setState({ acwNotice: true }),
          fail,
        );
      },
    });
  }

  /** A call to wrap up joins the line; the first one in line starts its clock. */
  add(wrap: WrapUp): void {
    const first = this.store.getState().wrapUps.length === 0;
    this.store.setState({ wrapUps: [...this.store.getState().wrapUps, wrap] });
    if (first) this.startClock();
  }

  /** Saves the wrap-up shown; one save at a time (a click and a running-out clock log it once). */
  async save(disposition: string, note: string, newCustomerName: string | undefined): Promise<void> {
    const w = this.store.getState().wrapUps[0];
    if (!w || this.saving) return;
    this.saving = true;
    try {
      await this.saveOne(w, disposition, note, newCustomerName);
    } finally {
      this.saving = false;
    }
  }

  private async saveOne(w: WrapUp, disposition: string, note: string, newCustomerName: string | undefined) {
    const s = this.store.getState;
    if (w.customerId !== null || w.number !== null || newCustomerName) {
      const c = w.call;
      const recording = await this.recordings.take(c.id);
      const self = s().session?.agent?.name ?? 'agent';
      const remote = w.number ?? c.remoteUser;
      const iso = (t: number) => new Date(t).toISOString();
      await this.api.call('calls:log', {
        customerId: w.customerId,
        ...(c.conversationId ? { conversationId: c.conversationId } : {}),
        ...(newCustomerName ? { newCustomerName } : {}),
        ...(w.customerId === null && w.number ? { newCustomerPhone: w.number } : {}),
        direction: c.direction,
        from: (c.direction === 'in' ? remote : self).slice(0, 256),
        to: (c.direction === 'in' ? self : remote).slice(0, 256),
        startedAt: iso(c.startedAt),
        answeredAt: c.answeredAt === null ? null : iso(c.answeredAt),
        endedAt: iso(c.endedAt ?? Date.now()),
        // No code chosen (after-call work ran out first): the record says so by having none.
        disposition: disposition || null,
        note,
        ...(c.quality.summary ? { quality: c.quality.summary } : {}),
        ...(recording ? { recording } : {}),
      });
    }
    // Otherwise an internal or anonymous call with nobody to file it under: nothing to record.
    this.store.setState({ wrapUps: s().wrapUps.filter((x) => x !== w) });
    this.next();
    await this.syncStatus();
  }

  private startClock(): void {
    this.acw.start();
    this.store.setState({
      acw: { since: this.acw.since()!, limitSec: this.limitSec },
      acwNotice: false,
      wrapDraft: EMPTY_DRAFT,
    });
  }

  /** The shown wrap-up is done: the next one (if any) gets its own clock. */
  private next(): void {
    if (this.store.getState().wrapUps.length > 0) this.startClock();
    else {
      this.acw.stop();
      this.store.setState({ acw: null, wrapDraft: EMPTY_DRAFT });
    }
  }
}
