import type { HlcClock } from '../../shared/sync/hlc';
import { uuidv7 } from '../../shared/sync/ids';
import type { Accounts } from '../identity/accounts';
import type { Database } from '../data/db';
import { writeFields } from '../data/records';
import type { Store } from '../data/store';
import { queuePhoneOf, sipUserOf } from '../voice/settings';

/** The demo queue's SIP user: `npm run demo:call -- --to support` dials `sip:support@<domain>`. */
export const DEMO_QUEUE_ADDRESS = 'support';
/** The demo queue's number, for callers that dial digits. */
export const DEMO_QUEUE_NUMBER = '+862150000000';
/** How long a demo caller waits for an agent before becoming a callback task. */
export const DEMO_WAIT_LIMIT_MS = 120_000;

/** The demo caller of `npm run demo:call`, a customer with a profile so the screen-pop shows one. */
export const DEMO_CALLER = {
  name: '陈静',
  phone: '+8613800000000',
  email: 'chen.jing@example.cn',
  company: '星河科技',
  address: '上海市浦东新区世纪大道88号',
  language: 'zh-CN',
} as const;

/** A demo agent's SIP user: the local part of their email (`agent@demo.switchboard` → `agent`). */
export const demoSipUser = (email: string) => email.split('@')[0]!.toLowerCase();

export type DemoPhone = {
  /** The voice inbox of the first demo team (the queue). */
  voiceInboxId: string;
  queue: string;
  /** Email → SIP user of every demo account. */
  sipUsers: Record<string, string>;
  /** The demo caller's customer id. */
  callerId: string;
};

/** The data's clock and ids (the seed's: fixed with `--now`, so the demo caller is the same each run). */
export type DemoTime = {
  /** The data's "now" (ms). [default the wall clock] */
  now?: number;
  /** A record id for a time. [default a random UUIDv7] */
  newId?: (t: number) => string;
};

/**
 * Gives the demo a phone: a voice inbox for `teamId` reached at `support` (and a number), a SIP
 * user for each of `emails`, and the demo caller as a customer, created at the data's now with an
 * id from `time.newId`. Idempotent: what exists is kept.
 */
export function ensureDemoPhone(
  d: { db: Database; store: Store; accounts: Accounts; clock: HlcClock },
  teamId: string,
  teamName: string,
  emails: readonly string[],
  time: DemoTime = {},
): DemoPhone {
  const meta = { mutationId: null, agentId: null };
  const now = () => time.now ?? Date.now();
  const at = () => new Date(now()).toISOString();
  const write = (entity: 'inbox' | 'agent' | 'customer', id: string, fields: Record<string, unknown>) =>
    writeFields(d.store, { entity, id, fields, clock: d.clock.now(), convId: null, at: at() }, meta);
  const voiceInboxId =
    d.accounts.inboxFor(teamId, 'voice') ??
    d.accounts.createInbox({ name: `${teamName} phone`, channel: 'voice', teamId }, null).id;
  const sipUsers: Record<string, string> = {};
  let callerId = '';
  d.store.transaction(() => {
    if (!queuePhoneOf(d.store.get('inbox', voiceInboxId)?.data))
      write('inbox', voiceInboxId, {
        phone: { addresses: [DEMO_QUEUE_ADDRESS, DEMO_QUEUE_NUMBER], waitLimitMs: DEMO_WAIT_LIMIT_MS },
      });
    for (const email of emails) {
      const agent = d.accounts.agentByEmail(email);
      if (!agent) continue;
      const existing = sipUserOf(d.store.get('agent', agent.id)?.data);
      const sipUser = existing ?? demoSipUser(email);
      if (!existing) write('agent', agent.id, { sipUser });
      sipUsers[email] = sipUser;
    }
    const known = d.db
      .prepare<[string], { id: string }>(
        `SELECT id FROM records WHERE entity = 'customer'
           AND EXISTS (SELECT 1 FROM json_each(data, '$.phones') WHERE value = ?) LIMIT 1`,
      )
      .get(DEMO_CALLER.phone);
    callerId = known?.id ?? (time.newId ?? uuidv7)(now());
    if (!known)
      write('customer', callerId, {
        name: DEMO_CALLER.name,
        phones: [DEMO_CALLER.phone],
        emails: [DEMO_CALLER.email],
        company: DEMO_CALLER.company,
        address: DEMO_CALLER.address,
        language: DEMO_CALLER.language,
        identities: [],
        customFields: {},
        createdAt: at(),
      });
  });
  return { voiceInboxId, queue: DEMO_QUEUE_ADDRESS, sipUsers, callerId };
}
