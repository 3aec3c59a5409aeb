// Socket frames the fuzzer sends, as fast-check arbitraries: sync frames (mutations legitimate,
// random and broken) and web chat visitor frames.
import fc from 'fast-check';
import { encodeHlc } from '../../../src/shared/sync/hlc';
import { uuidv7 } from '../../../src/shared/sync/ids';
import { ascii, deepJson, idArb, unicode, type Pools } from './arbitraries';

const MUTATION_NAMES = [
  'customer.create',
  'customer.update',
  'customer.merge',
  'customer.unmerge',
  'conversation.create',
  'conversation.transfer',
  'conversation.setStatus',
  'conversation.addLabel',
  'conversation.removeLabel',
  'message.send',
  'note.add',
  'call.log',
  'call.event',
];

function mutationArb(p: Pools) {
  const args = fc.record(
    {
      id: fc.oneof(idArb(p.customers), idArb(p.conversations), fc.uuid()),
      customerId: idArb(p.customers),
      conversationId: idArb(p.conversations),
      sourceId: idArb(p.customers),
      targetId: idArb(p.customers),
      toTeamId: idArb(p.teams),
      toAgentId: idArb(p.victims),
      teamId: idArb(p.teams),
      channel: fc.constantFrom('chat', 'email', 'phone', 'api', 'sms'),
      subject: unicode,
      body: unicode,
      label: unicode,
      status: fc.constantFrom('open', 'pending', 'resolved', 'snoozed', 'deleted'),
      callId: unicode,
      state: fc.constantFrom('dialing', 'ringing', 'talking', 'held', 'transferred', 'ended', 'queued'),
      direction: fc.constantFrom('in', 'out', 'sideways'),
      fields: fc.dictionary(
        fc.constantFrom('name', 'company', 'phones', 'emails', 'notes', '__proto__', 'x'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  );
  const clock: fc.Arbitrary<string> = fc.oneof(
    fc.integer({ min: 0, max: 999 }).map((counter) => encodeHlc({ wall: Date.now(), counter, node: 'fuzz' })),
    fc.constantFrom('yesterday', '', '9'.repeat(40)),
    fc
      .integer({ min: 0, max: 999 })
      .map((counter) => encodeHlc({ wall: Date.now() + 3_600_000, counter, node: 'fuzz' })),
  );
  const randomMutation = randomMutationArb(args, clock);
  // Writes a signed-in agent may well be allowed: the fuzz also makes legitimate changes.
  const legit = fc.oneof(
    fc.record({
      name: fc.constant('customer.create'),
      args: fc.record({
        id: fc.constant(null).map(() => uuidv7()),
        fields: fc.record({ name: unicode.filter((n) => n.trim() !== '') }),
      }),
    }),
    fc.record({
      name: fc.constant('customer.update'),
      args: fc.record({ id: idArb(p.customers), fields: fc.record({ company: unicode }) }),
    }),
    fc.record({
      name: fc.constant('message.send'),
      args: fc.record({
        id: fc.constant(null).map(() => uuidv7()),
        conversationId: idArb(p.conversations),
        body: unicode.filter((b) => b !== ''),
      }),
    }),
  );
  const validClock = fc
    .integer({ min: 0, max: 999 })
    .map((counter) => encodeHlc({ wall: Date.now(), counter, node: 'fuzz' }));
  return fc.oneof(
    {
      weight: 1,
      arbitrary: fc
        .record({ id: fc.constant(null).map(() => uuidv7()), clock: validClock })
        .chain((m) => legit.map((l) => ({ ...m, ...l }))),
    },
    { weight: 2, arbitrary: randomMutation },
  );
}

function randomMutationArb(args: fc.Arbitrary<unknown>, clock: fc.Arbitrary<string>) {
  return fc.record({
    id: fc.oneof(fc.uuid({ version: 7 }), fc.uuid(), ascii),
    name: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...MUTATION_NAMES) },
      { weight: 1, arbitrary: ascii },
    ),
    args: fc.oneof({ weight: 5, arbitrary: args }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }),
    clock,
  });
}

/** A sync frame as text: valid-shaped (push, pull, presence, offers, typing...) or broken. */
export function syncFrameArb(p: Pools): fc.Arbitrary<string> {
  const shaped = fc.oneof(
    fc.record({
      t: fc.constant('push'),
      batch: fc.nat(1000),
      mutations: fc.array(mutationArb(p), { maxLength: 4 }),
    }),
    fc.record({ t: fc.constant('pull'), cursor: fc.oneof(fc.nat(), fc.integer(), fc.double()) }),
    fc.record({
      t: fc.constant('presence'),
      state: fc.constantFrom('available', 'away', 'busy', 'offline', 'on-mars'),
    }),
    fc.record({ t: fc.constant('offerReply'), offerId: fc.uuid(), accept: fc.boolean() }),
    fc.record({ t: fc.constant('typing'), conversationId: idArb(p.conversations), on: fc.boolean() }),
    fc.record({ t: fc.constant('read'), conversationId: idArb(p.conversations) }),
    fc.record({ t: fc.constant('watch'), on: fc.boolean() }),
    fc.record({ t: fc.constant('reauth'), accessToken: fc.oneof(ascii, fc.constant(p.tokens.agent)) }),
    fc.record({
      t: fc.constant('hello'),
      protocol: fc.integer({ min: 0, max: 3 }),
      accessToken: ascii,
      cursor: fc.nat(),
    }),
    fc.record({ t: ascii }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((f) => JSON.stringify(f)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 65, max: 200_000 })
        .map(
          (d) =>
            `{"t":"push","batch":1,"mutations":[{"id":"x","name":"customer.create","clock":"x","args":${deepJson(d, 'array')}}]}`,
        ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', 'null', '', '{"t":"push","batch":1,"mutations":null}', '[[[[[['),
    },
    { weight: 1, arbitrary: unicode },
  );
}

/** A web chat visitor frame as text: valid-shaped or broken. */
export function widgetFrameArb(p: Pools): fc.Arbitrary<string> {
  const shaped = fc.oneof(
    fc.record(
      {
        t: fc.constant('message'),
        text: fc.oneof(
          unicode,
          fc.integer({ min: 1900, max: 2100 }).map((n) => 'y'.repeat(n)),
        ),
        clientId: fc.oneof(fc.uuid(), ascii),
        attachments: fc.array(ascii, { maxLength: 3 }),
      },
      { requiredKeys: ['t', 'text', 'clientId'] },
    ),
    fc.constant({ t: 'read' }),
    fc.record({ t: fc.constant('typing'), on: fc.boolean() }),
    fc.record({
      t: fc.constant('csat'),
      conversationId: idArb(p.conversations),
      score: fc.integer({ min: -1, max: 7 }),
    }),
  );
  return fc.oneof(
    { weight: 5, arbitrary: shaped.map((f) => JSON.stringify(f)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 1, arbitrary: fc.integer({ min: 65, max: 7000 }).map((d) => deepJson(d, 'object')) },
    { weight: 1, arbitrary: fc.constantFrom('{', '', 'null', '{"t":"message"}') },
  );
}
