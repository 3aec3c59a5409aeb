import { z } from 'zod';

/**
 * Canonical form of a host name or address as URL parsing writes it (`127.1` → `127.0.0.1`,
 * `[0:0::1]` → `[::1]`), or null when it is not a valid host. Raw IPv6 may come with or without brackets.
 */
function canonicalHost(host: string): string | null {
  const h = host.trim();
  const bracketed = h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
  try {
    return new URL(`http://${bracketed}/`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** True for this machine's own addresses: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = canonicalHost(host);
  if (h === null) return false;
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Why a relay URL cannot be used, as a machine code; null when it can. */
export type RelayUrlProblem = 'invalid' | 'scheme' | 'insecure';

/**
 * Checks a relay address typed by a person or given in the environment. Only `https:` (and
 * `wss:`) may leave the machine: plain `http:`/`ws:` would carry passwords and customer data in
 * clear text, so it is accepted for a relay on loopback only.
 */
export function relayUrlProblem(url: string): RelayUrlProblem | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'invalid';
  }
  if (u.protocol === 'https:' || u.protocol === 'wss:') return null;
  if (u.protocol !== 'http:' && u.protocol !== 'ws:') return 'scheme';
  return isLoopbackHost(u.hostname) ? null : 'insecure';
}

/** The English sentence for a problem (main's errors and logs; the renderer translates the code). */
export const RELAY_URL_MESSAGES: Record<RelayUrlProblem, string> = {
  invalid: 'The relay address is not a valid URL; enter it as https://relay.example.com.',
  scheme: 'The relay address must start with https:// (http:// only for a relay on this computer).',
  insecure:
    'This relay address uses http://, which would send passwords and customer data unencrypted. Use its https:// address; http:// is allowed only for a relay on this computer (127.0.0.1, ::1, localhost).',
};

/** A relay URL at the app API boundary: https anywhere, http only on loopback. */
export const relayUrlSchema = z
  .string()
  .max(500)
  .superRefine((url, ctx) => {
    const problem = relayUrlProblem(url);
    if (problem) ctx.addIssue({ code: 'custom', message: RELAY_URL_MESSAGES[problem] });
  });
