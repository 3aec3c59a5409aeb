// What the fuzzer sends over HTTP, as fast-check arbitraries: requests (methods, targets, headers,
// bodies) and upgrade requests, each valid-shaped or broken. Frames: frameArbitraries.ts.
import fc from 'fast-check';
import type { RawRequest } from './rawClient';

/** Ids and credentials of the seeded world that requests may name. */
export type Pools = {
  customers: string[];
  conversations: string[];
  teams: string[];
  inboxes: string[];
  /** Agents the fuzzer may disable, demote or reset: never the ones it signs in as. */
  victims: string[];
  tokens: { admin: string; supervisor: string; agent: string };
};

const ROLES = ['admin', 'supervisor', 'agent', 'anonymous', 'garbage'] as const;
export type Role = (typeof ROLES)[number];
export const roleArb = fc.constantFrom(...ROLES);

const BAD_ESCAPES = ['%E0%A4%A', '%zz', '%E0', '%', '%%', '%C0%AF', '%ED%A0%80', '%FF'];

/** Route templates of every HTTP entry point; `:id` is filled with a seeded, random or broken id. */
const ROUTES = [
  '/healthz',
  '/metrics',
  '/v1/auth/login',
  '/v1/auth/refresh',
  '/v1/auth/password',
  '/v1/devices',
  '/v1/devices/:id/revoke',
  '/v1/admin/agents',
  '/v1/admin/agents/:victim',
  '/v1/admin/agents/:victim/disable',
  '/v1/admin/agents/:victim/enable',
  '/v1/admin/agents/:victim/password',
  '/v1/admin/agents/:victim/role',
  '/v1/admin/agents/:victim/teams',
  '/v1/admin/agents/:victim/routing',
  '/v1/admin/teams',
  '/v1/admin/teams/:team/members/:victim',
  '/v1/admin/teams/:team/recording',
  '/v1/admin/teams/:team/routing',
  '/v1/admin/inboxes',
  '/v1/admin/inboxes/:inbox/routing',
  '/v1/admin/inboxes/:inbox/webchat',
  '/v1/admin/inboxes/:inbox/api-keys',
  '/v1/admin/api-keys/:id',
  '/v1/admin/conversations/:conv/assign',
  '/v1/admin/updates/:channel',
  '/v1/admin/updates/:channel/:file',
  '/v1/admin/audit',
  '/v1/supervisor/board',
  '/v1/supervisor/agents/:victim/status',
  '/v1/supervisor/agents/:victim/logout',
  '/v1/supervisor/conversations/:conv/assign',
  '/v1/supervisor/conversations/:conv/whisper',
  '/updates/:channel/:file',
  '/v1/recordings/:id',
  '/v1/channels/api/messages',
  '/widget.js',
  '/demo',
  '/v1/widget/config',
  '/v1/widget/sessions',
  '/v1/widget/offline',
  '/v1/widget/attachments',
  '/v1/widget/attachments/:id',
  '/v1/attachments',
  '/v1/attachments/:id',
  '/v1/sync',
  '/v1/widget/socket',
];

export const unicode = fc.string({ unit: 'grapheme', maxLength: 20 });
export const ascii = fc.string({ unit: 'grapheme-ascii', maxLength: 30 });

export function idArb(pool: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: pool.length > 0 ? fc.constantFrom(...pool) : fc.uuid() },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: fc.constantFrom(...BAD_ESCAPES) },
    { weight: 1, arbitrary: unicode.map((s) => encodeURIComponent(s)) },
    { weight: 1, arbitrary: unicode },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', '..', '.', '%2e%2e', '..%2F..%2Fetc', 'stable', 'latest.yml'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 9000 }).map((n) => 'x'.repeat(n)) },
  );
}

/** A request target: a route with its ids filled, `//` variants, a query, or plain noise. */
export function targetArb(p: Pools): fc.Arbitrary<string> {
  const fill = (t: string) =>
    fc
      .tuple(
        ...t
          .split('/')
          .map((seg) =>
            seg === ':conv'
              ? idArb(p.conversations)
              : seg === ':team'
                ? idArb(p.teams)
                : seg === ':inbox'
                  ? idArb(p.inboxes)
                  : seg === ':victim'
                    ? idArb(p.victims)
                    : seg.startsWith(':')
                      ? idArb([])
                      : fc.constant(seg),
          ),
      )
      .map((segs) => segs.join('/'));
  const query = fc.oneof(
    fc.constant(''),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('token', 'call', 'inbox', 'conversationId', 'since', 'x'),
          idArb(p.customers),
        ),
        {
          maxLength: 3,
        },
      )
      .map((kv) => (kv.length ? `?${kv.map(([k, v]) => `${k}=${v}`).join('&')}` : '')),
    fc.constantFrom('?%zz', '?a=%E0%A4%A', '?=&&=', '#frag'),
  );
  const route = fc.tuple(fc.constantFrom(...ROUTES).chain(fill), query).map(([a, b]) => a + b);
  return fc.oneof(
    { weight: 8, arbitrary: route },
    { weight: 2, arbitrary: route.map((r) => `/${r}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '//',
        '///',
        '//:0x/',
        '//[::1/x',
        '*',
        'http://x/healthz',
        '//relay:99999/v1/sync',
      ),
    },
    { weight: 1, arbitrary: ascii.map((s) => `/${s.replace(/[\s]/g, '')}`) },
    { weight: 1, arbitrary: unicode.map((s) => `/${s}`) },
  );
}

/** JSON nested `depth` levels, as text (JSON.stringify of such a value would itself overflow). */
export const deepJson = (depth: number, kind: 'array' | 'object') =>
  kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

/** A body: none, random JSON, a route-shaped object, deep or huge JSON, or bytes that are no JSON. */
export function bodyArb(p: Pools): fc.Arbitrary<Buffer> {
  const shaped = fc.record(
    {
      email: fc.oneof(fc.emailAddress(), unicode),
      password: fc.oneof(ascii, fc.constant('password-123')),
      deviceName: unicode,
      refreshToken: ascii,
      name: unicode,
      role: fc.constantFrom('admin', 'supervisor', 'agent', 'root'),
      teamIds: fc.array(idArb(p.teams), { maxLength: 3 }),
      teamId: idArb(p.teams),
      assigneeId: fc.oneof(idArb(p.victims), fc.constant(null)),
      inboxId: idArb(p.inboxes),
      channel: fc.constantFrom('chat', 'email', 'api', 'phone', 'carrier-pigeon'),
      text: unicode,
      message: unicode,
      from: fc.record({ email: fc.emailAddress(), name: unicode }, { requiredKeys: [] }),
      reason: unicode,
      allowedOrigins: fc.array(fc.webUrl(), { maxLength: 2 }),
      enabled: fc.boolean(),
      retentionDays: fc.integer({ min: -5, max: 5000 }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant(Buffer.alloc(0)) },
    { weight: 4, arbitrary: shaped.map((o) => Buffer.from(JSON.stringify(o))) },
    {
      weight: 3,
      arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.integer({ min: 65, max: 30_000 }), fc.constantFrom('array' as const, 'object' as const))
        .map(([d, k]) => Buffer.from(deepJson(d, k))),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 70_000, max: 200_000 })
        .map((n) => Buffer.from(JSON.stringify({ name: 'x'.repeat(n) }))),
    },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"a":', 'null', '[]', '"x"', '\u0000', '{"__proto__":{"admin":true}}')
        .map((s) => Buffer.from(s)),
    },
  );
}

/** Authorization as each role, anonymous, or something that is no valid credential. */
export function authArb(p: Pools): fc.Arbitrary<[string, string][]> {
  return roleArb.chain((role) => {
    if (role === 'anonymous') return fc.constant([]);
    if (role === 'garbage')
      return fc
        .oneof(
          ascii.map((s) => `Bearer ${s}`),
          fc.constant('Bearer sbk_0123456789abcdef_' + 'A'.repeat(43)),
          ascii,
        )
        .map((v) => [['Authorization', v.replace(/[\r\n]/g, '')]] as [string, string][]);
    return fc.constant([['Authorization', `Bearer ${p.tokens[role]}`]] as [string, string][]);
  });
}

const headerValue = fc.oneof(
  ascii.map((s) => s.replace(/[\r\n]/g, '')),
  fc.constantFrom(...BAD_ESCAPES),
  unicode.map((s) => encodeURIComponent(s)),
);

/** Content types, encodings and other headers a careless or hostile client sends. */
export const headersArb: fc.Arbitrary<[string, string][]> = fc
  .record(
    {
      'Content-Type': fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'text/plain',
        'multipart/form-data; boundary=x',
        'audio/webm',
        'audio/ogg',
        'application/x-www-form-urlencoded',
        '',
      ),
      'Content-Encoding': fc.constantFrom('gzip', 'br', 'identity'),
      'Accept-Encoding': fc.constantFrom('gzip', '*'),
      Origin: fc.oneof(fc.webUrl(), fc.constant('null')),
      'X-File-Name': headerValue,
      'X-Forwarded-For': fc.ipV4(),
      Expect: fc.constant('100-continue'),
    },
    { requiredKeys: [] },
  )
  .map((o) => Object.entries(o));

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'OPTIONS',
  'TRACE',
  'PROPFIND',
  'get',
  'FOO',
];

/** One HTTP request to any route as any role. */
export function httpRequestArb(p: Pools): fc.Arbitrary<RawRequest> {
  return fc
    .record({
      method: fc.constantFrom(...METHODS),
      target: targetArb(p),
      auth: authArb(p),
      headers: headersArb,
      body: bodyArb(p),
    })
    .map(({ method, target, auth, headers, body }) => ({
      method,
      target,
      headers: [...auth, ...headers],
      body,
    }));
}

/** One upgrade request, to every socket path and beyond. */
export function upgradeArb(p: Pools): fc.Arbitrary<RawRequest> {
  const target = fc.oneof(
    fc.constantFrom('/v1/sync', '/v1/widget/socket', '/v1/widget/socket?token=x', '/v1/sync?cursor=%zz'),
    targetArb(p),
  );
  return fc
    .record({ target, headers: headersArb })
    .map(({ target, headers }) => ({ method: 'GET', target, headers, body: Buffer.alloc(0), upgrade: true }));
}
