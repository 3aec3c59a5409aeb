import { describe, expect, it } from 'vitest';
import { MERGED_INTO_SQL } from './customers';
import { openTestStore } from './testHelpers';

describe('main/store/customers', () => {
  it('finds the profiles merged into one through customers_merged_into, not a scan of customers', () => {
    const { store } = openTestStore();
    const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${MERGED_INTO_SQL}`).all('x') as { detail: string }[];
    store.close();
    const p = rows.map((r) => r.detail).join('\n');
    expect(p).toMatch(/USING INDEX customers_merged_into/);
    expect(p).not.toMatch(/^SCAN/m);
  });
});
