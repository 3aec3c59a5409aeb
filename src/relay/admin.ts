import type { AgentData, Role } from '../shared/sync/entities';
import { HlcClock } from '../shared/sync/hlc';
import { createAccounts } from './accounts';
import { openDatabase } from './db';
import { createStore } from './store';

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
}): Promise<{ id: string } & AgentData> {
  const db = openDatabase(input.dataDir);
  try {
    const accounts = createAccounts(db, createStore(db, Date.now), new HlcClock('relay-admin'), Date.now);
    return await accounts.createAgent(
      { email: input.email, password: input.password, name: input.name, role: input.role ?? 'admin' },
      null,
    );
  } finally {
    db.close();
  }
}
