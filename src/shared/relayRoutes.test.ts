import { describe, expect, it } from 'vitest';
import { RELAY_ROUTES, routePath, routeRegex } from './relayRoutes';

describe('shared/relayRoutes', () => {
  it('builds a path the relay matches back to the same parameters', () => {
    const path = routePath(RELAY_ROUTES.updateFile, { channel: 'group-shanghai', file: 'latest linux.yml' });
    expect(path).toBe('/v1/admin/updates/group-shanghai/latest%20linux.yml');
    expect(routeRegex(RELAY_ROUTES.updateFile).exec(path)?.slice(1)).toEqual([
      'group-shanghai',
      'latest%20linux.yml',
    ]);
    expect(routeRegex(RELAY_ROUTES.updateChannel).test(path)).toBe(false);
  });

  it('adds the query, and matches only the whole path', () => {
    expect(routePath(RELAY_ROUTES.audit, {}, 'limit=100')).toBe('/v1/admin/audit?limit=100');
    const audit = routeRegex(RELAY_ROUTES.audit);
    expect(audit.test('/v1/admin/audit')).toBe(true);
    expect(audit.test('/v1/admin/audit.csv')).toBe(false);
    expect(routeRegex(RELAY_ROUTES.auditCsv).test('/v1/admin/auditXcsv')).toBe(false);
  });

  it('narrows a parameter when the relay asks (agent ids are UUIDs)', () => {
    const person = routeRegex(RELAY_ROUTES.person, '[0-9a-f-]{36}');
    expect(person.test('/v1/admin/agents/0193a0b2-0000-7000-8000-000000000001')).toBe(true);
    expect(person.test('/v1/admin/agents/not-an-id')).toBe(false);
    expect(person.test('/v1/admin/agents/0193a0b2-0000-7000-8000-000000000001/role')).toBe(false);
  });
});
