import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { z } from 'zod';

/** Wrap-up codes offered when no list is configured. */
export const DEFAULT_DISPOSITIONS = [
  'resolved',
  'follow-up',
  'escalated',
  'wrong-number',
  'no-answer',
] as const;

const iceServer = z
  .object({
    urls: z.union([z.string().max(500), z.array(z.string().max(500)).min(1).max(5)]),
    username: z.string().max(200).optional(),
    credential: z.string().max(500).optional(),
  })
  .strict();

/** SIP account settings as stored by main (the password is not part of them: it lives in the keychain). */
export const sipAccountSchema = z
  .object({
    /** WebSocket URL of the SIP server; wss in production, ws only for a server on loopback. */
    server: z
      .string()
      .max(500)
      .refine(
        (s) =>
          /^wss:\/\/[^\s]+$/i.test(s) || /^ws:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/\S*)?$/i.test(s),
        {
          message: 'use wss://, or ws:// only for a server on this machine',
        },
      ),
    uri: z
      .string()
      .regex(/^sips?:[^\s@]{1,64}@[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/, 'must look like sip:user@domain'),
    authUser: z.string().min(1).max(128),
    displayName: z.string().max(128),
    /** STUN/TURN servers; empty by default so no public server is contacted. */
    iceServers: z.array(iceServer).max(5),
    /** Country whose numbering plan applies to caller ids without a country code (ISO 3166 alpha-2). */
    region: z.string().regex(/^[A-Z]{2}$/),
    dtmf: z.enum(['auto', 'info']),
    dispositions: z.array(z.string().trim().min(1).max(64)).min(1).max(30),
    /** After-call work limit in seconds (0: none); when it runs out the wrap-up saves itself. */
    afterCallWorkSeconds: z.number().int().min(0).max(3600).optional(),
    /** Register when the workstation opens (the demo's provisioned accounts do). Default: no. */
    connectAtLaunch: z.boolean().optional(),
  })
  .strict();

/** After-call work limit when the account names none. */
export const DEFAULT_AFTER_CALL_WORK_SECONDS = 120;
export type SipAccount = z.infer<typeof sipAccountSchema>;

/** What the phone view shows about the account: settings plus whether a password is kept, and where. */
export type SipAccountView = {
  account: SipAccount | null;
  /** `keychain`: in the OS keychain; `memory`: no keychain here, kept until the app quits; `none`. */
  password: 'keychain' | 'memory' | 'none';
  /**
   * Set where `npm start` could not run its embedded PBX: the Debian package that is missing, so
   * the phone view says what to install instead of only "no account".
   */
  pbxMissing?: string;
};

/** Handed to the renderer only when it registers. */
export type SipCredentials = SipAccount & { password: string };

export const E164_RE = /^\+[1-9][0-9]{6,14}$/;

/**
 * Normalizes a caller id (a SIP user part, a tel number, anything a peer sends) to E.164 with the
 * default region, or null when it is not a valid number. Never throws; long input is refused early.
 */
export function normalizeCallerNumber(raw: string, region: string): string | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 64) return null;
  const text = raw.replace(/;.*$/, '').replace(/[\s().-]/g, '');
  if (!/^\+?[0-9]{3,20}$/.test(text)) return null;
  const n = parsePhoneNumberFromString(text, /^[A-Z]{2}$/.test(region) ? (region as CountryCode) : undefined);
  return n?.isValid() ? n.number : null;
}
