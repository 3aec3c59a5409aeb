import type pg from 'pg';
import type { AppliedMutation, AsyncTx } from '../asyncStore';

/**
 * The applied-mutations table (migration 003) on a transaction's connection: one query for the
 * ids of a whole push, one insert for a whole group commit.
 */
export function appliedMutationsOn(
  client: pg.PoolClient,
): Pick<AsyncTx, 'appliedMutations' | 'keepAppliedMutations'> {
  return {
    async appliedMutations(ids) {
      const out = new Map<string, AppliedMutation>();
      if (ids.length === 0) return out;
      const r = await client.query<Record<string, string>>({
        name: 'sb_applied',
        text: 'SELECT id, agent_id, device_id, name, hash, seq::text AS seq, applied_at::text AS applied_at FROM applied_mutations WHERE id = ANY($1::text[])',
        values: [ids],
      });
      for (const row of r.rows) out.set(row['id']!, appliedOf(row));
      return out;
    },
    async keepAppliedMutations(rows) {
      if (rows.length === 0) return;
      const col = <K extends keyof AppliedMutation>(k: K) => rows.map((m) => m[k]);
      await client.query({
        name: 'sb_keep_applied',
        text: `INSERT INTO applied_mutations (id, agent_id, device_id, name, hash, seq, applied_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[])`,
        values: [
          col('id'),
          col('agentId'),
          col('deviceId'),
          col('name'),
          col('hash'),
          col('seq'),
          col('appliedAt'),
        ],
      });
    },
  };
}

const appliedOf = (r: Record<string, string>): AppliedMutation => ({
  id: r['id']!,
  agentId: r['agent_id']!,
  deviceId: r['device_id']!,
  name: r['name']!,
  hash: r['hash']!,
  seq: Number(r['seq']),
  appliedAt: Number(r['applied_at']),
});
