import type { AgentData, Role } from '../../shared/sync/entities';
import { HlcClock } from '../../shared/sync/hlc';
import { createAccounts } from './accounts';
import { AUDIT, createAudit } from './audit';
import pino from 'pino';
import { openDatabase } from '../data/db';
import { createStore } from '../data/sqliteStore';
import { asyncSqliteStore } from '../data/sqliteAsync';
import { createSqliteIdentity } from '../data/sqliteIdentity';

/**
 * Creates an agent (by default an admin) directly in `<dataDir>`, for bootstrapping the first
 * admin from the command line. Safe while a relay runs on the same directory (WAL, busy timeout).
 */
export async function createAdmin(input: {
  dataDir: string;
  email: string;
  password: string;
  name: string;
  role?: Role;
  /** The SQLite database file (`--store sqlite:PATH`). [default `<dataDir>/relay.db`] */
  dbFile?: string;
}): Promise<{ id: string } & AgentData> {
  const db = openDatabase(input.dataDir, input.dbFile);
  try {
    const store = createStore(db, Date.now);
    const records = asyncSqliteStore(store);
    const identity = createSqliteIdentity(db, records);
    const accounts = createAccounts(db, store, new HlcClock('relay-admin'), Date.now, {
      identity,
      records,
    });
    const agent = await accounts.createAgent(
      { email: input.email, password: input.password, name: input.name, role: input.role ?? 'admin' },
      null,
    );
    // No actor: whoever could run this on the relay's machine; the line says it came from there.
    await createAudit({ identity, now: Date.now, log: pino({ level: 'error' }, pino.destination(2)) }).record(
      {
        actorId: null,
        action: AUDIT.ACCOUNT_CREATED,
        target: agent.id,
        detail: { email: agent.email, role: agent.role, via: 'command line' },
      },
    );
    return agent;
  } finally {
    db.close();
  }
}
