import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  DEFAULT_DISPOSITIONS,
  sipAccountSchema,
  type SipAccount,
  type SipAccountView,
  type SipCredentials,
} from '../../shared/phone';
import { probeKeychain, type SecretStore } from '../keychain/secretStore';
import type { Logger } from '../base/logger';
import { LOCAL_ERR, LocalError } from '../base/errors';
import { readJsonFile, writeJsonFileAtomic } from '../base/jsonFile';

/** Where versions before the per-workstation account kept the one SIP password of the OS user. */
const LEGACY_SECRET_ACCOUNT = 'sip-password';

/**
 * The keychain account of this workstation's SIP password: one per data directory, as the account
 * file is. (One shared entry let two workstations of the same OS user, two profiles or two test
 * hosts, overwrite each other's password.)
 */
export function sipSecretAccount(dataDir: string): string {
  return `sip-password:${createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 24)}`;
}

/**
 * The softphone's SIP account: settings in `<dataDir>/sip-account.json`, the password in the OS
 * keychain (never in a file). Without a keychain the password is kept in memory until the app quits.
 */
export class PhoneAccountService {
  private readonly file: string;
  private account: SipAccount | null;
  private memoryPassword: string | null = null;
  private keychainOk: boolean | null = null;
  private readonly secretAccount: string;

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore | null,
    private readonly log: Logger,
    /** The package `npm start` misses for its embedded PBX (the phone view names it); null where it has one. */
    private readonly pbxMissing: string | null = null,
  ) {
    this.file = join(dataDir, 'sip-account.json');
    this.secretAccount = sipSecretAccount(dataDir);
    const parsed = sipAccountSchema.safeParse(readJsonFile(this.file));
    this.account = parsed.success ? parsed.data : null;
  }

  get(): SipAccountView {
    return {
      account: this.account ? { ...this.account } : null,
      password: this.passwordPlace(),
      ...(this.pbxMissing && !this.account ? { pbxMissing: this.pbxMissing } : {}),
    };
  }

  /**
   * Sets up an account handed over by whoever provisions this workstation (the demo's embedded
   * PBX), connecting at launch, unless the agent has an account of their own: one whose URI
   * `replaceable` does not claim is left alone. Other settings of a replaced account are kept.
   * Returns whether anything was saved.
   */
  provision(
    fields: Pick<SipAccount, 'server' | 'uri' | 'authUser' | 'displayName'>,
    password: string,
    replaceable: (uri: string) => boolean,
  ): boolean {
    const current = this.account;
    if (current && !replaceable(current.uri)) return false;
    const next: SipAccount = sipAccountSchema.parse({
      iceServers: [],
      region: 'US',
      dtmf: 'auto',
      dispositions: [...DEFAULT_DISPOSITIONS],
      ...current,
      ...fields,
      connectAtLaunch: true,
    });
    const same =
      current !== null &&
      JSON.stringify(current) === JSON.stringify(next) &&
      (this.memoryPassword ?? (this.keychain() ? this.kept() : null)) === password;
    if (same) return false;
    this.save(next, password);
    return true;
  }

  save(account: SipAccount, password?: string): SipAccountView {
    writeJsonFileAtomic(this.file, account);
    this.account = account;
    if (password !== undefined) {
      if (this.keychain()) {
        this.secrets!.set(this.secretAccount, password);
        this.memoryPassword = null;
      } else {
        this.memoryPassword = password;
      }
    }
    this.log.info({ server: account.server, uri: account.uri }, 'SIP account saved');
    return this.get();
  }

  /** Settings plus password, for registering only. */
  credentials(): SipCredentials {
    if (!this.account) throw new LocalError(LOCAL_ERR.INVALID_MUTATION, 'No phone account is set up yet.');
    const password = this.memoryPassword ?? (this.keychain() ? this.kept() : null);
    if (!password)
      throw new LocalError(LOCAL_ERR.KEYCHAIN_UNAVAILABLE, 'Enter the phone account password in Settings.');
    return { ...this.account, password };
  }

  private passwordPlace(): SipAccountView['password'] {
    if (this.memoryPassword !== null) return 'memory';
    if (this.keychain()) {
      try {
        return this.kept() ? 'keychain' : 'none';
      } catch {
        return 'none';
      }
    }
    return 'none';
  }

  // A password saved before passwords were kept per workstation is still found (until the next save).
  private kept(): string | null {
    return this.secrets!.get(this.secretAccount) ?? this.secrets!.get(LEGACY_SECRET_ACCOUNT);
  }

  private keychain(): boolean {
    if (this.keychainOk === null) {
      const probe = this.secrets
        ? probeKeychain(this.secrets, this.secretAccount)
        : { ok: false as const, reason: 'none' };
      this.keychainOk = probe.ok;
      if (!probe.ok)
        this.log.warn({ reason: probe.reason }, 'no keychain: the SIP password stays in memory only');
    }
    return this.keychainOk;
  }
}
