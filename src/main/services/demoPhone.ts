import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Logger } from '../base/logger';
import type { PhoneAccountService } from './phoneAccountService';

// The demo's phone: `npm start` runs an embedded PBX and hands the app the demo users' SIP
// accounts in a file (SWITCHBOARD_DEMO_PHONE_ACCOUNTS, written by scripts/embeddedPbx.mjs), so the
// signed-in demo agent's softphone is set up and connects at launch, password in the keychain.

const demoAccountsSchema = z.record(
  z.string().max(320),
  z
    .object({
      server: z.string().max(500),
      uri: z.string().max(400),
      authUser: z.string().min(1).max(128),
      password: z.string().min(1).max(1024),
    })
    .strict(),
);
export type DemoPhoneAccounts = z.infer<typeof demoAccountsSchema>;

/** Reads the file of demo SIP accounts; null (with a log line) when it is missing or malformed. */
export function readDemoPhoneAccounts(file: string, log: Logger): DemoPhoneAccounts | null {
  try {
    return demoAccountsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    log.warn(
      { file, err: err instanceof Error ? err.message : String(err) },
      'demo phone accounts unreadable',
    );
    return null;
  }
}

/**
 * Gives `email` its demo SIP account, replacing only another demo account (an account the agent
 * set up themselves stays). Never throws: a failure is logged and the phone view stays as it was.
 */
export function provisionDemoPhone(
  phone: PhoneAccountService,
  accounts: DemoPhoneAccounts,
  email: string,
  displayName: string,
  log: Logger,
): void {
  const mine = accounts[email.toLowerCase()];
  if (!mine) return;
  const demoUris = new Set(Object.values(accounts).map((a) => a.uri));
  try {
    const { password, ...fields } = mine;
    if (phone.provision({ ...fields, displayName }, password, (uri) => demoUris.has(uri)))
      log.info({ uri: mine.uri }, 'demo phone account provisioned');
  } catch (err) {
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'demo phone account not provisioned');
  }
}
