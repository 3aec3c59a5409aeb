import { describe, expect, it } from 'vitest';
import type { MentionNotice } from '../../shared/api';
import type { SupervisorNotice } from '../../shared/supervisor';
import { EventHub } from '../base/events';
import { SupervisorService } from './supervisorService';
import { AGENT, change, clocksFor, customerData, openTestStore, relayClock } from '../store/testHelpers';
import {
  ARRIVED_SQL,
  mentionNotificationText,
  mentionsToNotify,
  MentionWatcher,
  whispersToNotify,
  WHISPER_CATCH_UP_MS,
  type ArrivedNote,
} from './mentionNotices';

const ME = AGENT.id;
const LI = '0190a000-0000-7000-8000-00000000a002';
const CUST = '0190a000-0000-7000-8000-0000000c0001';
const CONV = '0190a000-0000-7000-8000-0000000c0002';
const SIGNED_IN = '2025-06-01T09:00:00.000Z';
const note = (id: string, over: Partial<ArrivedNote> = {}): ArrivedNote => ({
  id,
  conversationId: CONV,
  authorId: LI,
  body: '@Ada please look',
  mentions: [ME],
  createdAt: '2025-06-01T09:05:00.000Z',
  ...over,
});
const noteId = (n: number) => `0190a000-0000-7000-8000-0000000e${String(n).padStart(4, '0')}`;

describe('main/services/mentionNotices', () => {
  it('tells the agent about colleagues’ mentions since sign-in, each once', () => {
    const ctx = { agentId: ME, since: SIGNED_IN, notified: new Set(['seen']) };
    const due = mentionsToNotify(
      [
        note('new'),
        note('mine', { authorId: ME }),
        note('old', { createdAt: '2025-06-01T08:59:59.999Z' }),
        note('other', { mentions: [LI] }),
        note('seen'),
      ],
      ctx,
    );
    expect(due.map((n) => n.id)).toEqual(['new']);
  });

  it('watches the cache: no flood from the first sync, a notice for a new mention, none twice', () => {
    const { store } = openTestStore();
    const notices: MentionNotice[] = [];
    const cust = customerData('Wang Fang');
    const conv = {
      customerId: CUST,
      channel: 'email',
      subject: 'Refund',
      status: 'open',
      snoozedUntil: null,
      assigneeId: ME,
      teamId: 't',
      inboxId: null,
      labels: [],
      slaDueAt: null,
      lastMessageAt: '2025-06-01T08:00:00.000Z',
      createdAt: '2025-06-01T08:00:00.000Z',
    };
    const li = { name: 'Li Na', email: 'li@example.com', role: 'agent', teamIds: ['t'], skills: [] };
    const watcher = new MentionWatcher({ store, since: SIGNED_IN, onNotice: (n) => notices.push(n) });
    const { id: _old, ...oldNote } = note(noteId(1), { createdAt: '2025-05-30T10:00:00.000Z' });
    // The first sync brings the conversation and an old mention: no notice.
    store.applyChanges(
      [
        change('customer', CUST, cust, clocksFor(cust, relayClock(Date.UTC(2025, 0, 1))), 1),
        change('conversation', CONV, conv, clocksFor(conv, relayClock(Date.UTC(2025, 0, 1))), 2),
        change('agent', LI, li, clocksFor(li, relayClock(Date.UTC(2025, 0, 1))), 3),
        change('note', noteId(1), oldNote, {}, 4),
      ],
      4,
    );
    watcher.check();
    expect(notices).toEqual([]);

    const { id: _new, ...newNote } = note(noteId(2));
    const { id: _mine, ...myNote } = note(noteId(3), { authorId: ME });
    store.applyChanges(
      [change('note', noteId(2), newNote, {}, 5), change('note', noteId(3), myNote, {}, 6)],
      6,
    );
    watcher.check();
    watcher.check();
    expect(notices).toEqual([
      {
        noteId: noteId(2),
        conversationId: CONV,
        authorName: 'Li Na',
        customerName: 'Wang Fang',
        subject: 'Refund',
        createdAt: '2025-06-01T09:05:00.000Z',
      },
    ]);
    expect(mentionNotificationText(notices[0]!)).toEqual({
      title: 'Li Na mentioned you',
      body: 'in Wang Fang: Refund',
    });

    // A full resync delivers every note again: still one notice.
    store.beginResync();
    store.applySnapshotPage([change('note', noteId(2), newNote, {}, 5)]);
    store.endResync(6);
    watcher.check();
    expect(notices).toHaveLength(1);
    store.close();
  });

  it('reads only rows stored since the last check (rowid range), not every note', () => {
    const { store } = openTestStore();
    const plan = store.db.prepare(`EXPLAIN QUERY PLAN ${ARRIVED_SQL}`).all(0, ME) as { detail: string }[];
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH records USING INTEGER PRIMARY KEY (rowid>?)']);
    store.close();
  });

  it('catches up a supervisor’s whisper written while the app was away (an hour back at most), once', () => {
    const whisper = (id: string, over: Partial<ArrivedNote> = {}) =>
      note(id, { mentions: [], body: 'Offer free shipping', whisperTo: ME, ...over });
    const longAgo = new Date(Date.parse(SIGNED_IN) - WHISPER_CATCH_UP_MS - 1).toISOString();
    const due = whispersToNotify(
      [
        whisper('before-sign-in', { createdAt: '2025-06-01T08:30:00.000Z' }),
        whisper('long-ago', { createdAt: longAgo }),
        whisper('to-li', { whisperTo: LI }),
        whisper('seen'),
        note('mention-only'),
      ],
      { agentId: ME, since: SIGNED_IN, notified: new Set(['seen']) },
    );
    expect(due.map((n) => n.id)).toEqual(['before-sign-in']);
  });

  it('shows a caught-up whisper as a supervisor notice, and not again when it came live too', () => {
    const { store } = openTestStore();
    const events = new EventHub();
    const desk = new SupervisorService({ events, relay: async () => new Response(), setOwnState: () => {} });
    const li = { name: 'Li Na', email: 'li@example.com', role: 'supervisor', teamIds: ['t'], skills: [] };
    const watcher = new MentionWatcher({
      store,
      since: SIGNED_IN,
      onNotice: () => {},
      onWhisper: (n) => desk.caughtUp(n),
    });
    const { id: _w, ...w } = note(noteId(7), { mentions: [], body: 'Offer free shipping', whisperTo: ME });
    store.applyChanges(
      [
        change('agent', LI, li, clocksFor(li, relayClock(Date.UTC(2025, 0, 1))), 1),
        change('note', noteId(7), w, {}, 2),
      ],
      2,
    );
    watcher.check();
    expect(desk.listNotices()).toEqual([
      {
        id: noteId(7),
        at: '2025-06-01T09:05:00.000Z',
        by: { id: LI, name: 'Li Na' },
        kind: 'whisper',
        conversationId: CONV,
        body: 'Offer free shipping',
      },
    ]);
    // Dismissed, then a resync delivers the note again, or the live notice comes late: it stays dismissed.
    const [first] = desk.listNotices() as [SupervisorNotice];
    desk.dismiss(noteId(7));
    store.beginResync();
    store.applySnapshotPage([change('note', noteId(7), w, {}, 2)]);
    store.endResync(2);
    watcher.check();
    desk.caughtUp(first);
    expect(desk.listNotices()).toEqual([]);
    store.close();
  });
});
