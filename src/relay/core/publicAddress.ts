import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent } from 'undici';

/**
 * Addresses the relay may not be made to connect to by what users give it (a webhook's URL, a
 * mail's remote images) unless an operator allows private networks: loopback, private ranges,
 * link-local (cloud metadata at 169.254.169.254), carrier-grade NAT, multicast, documentation,
 * reserved and unspecified, and the IPv6 forms that carry an IPv4 address (mapped, compatible,
 * NAT64, Teredo, 6to4). Otherwise a supervisor who sets a webhook, or a sender whose mail an
 * agent opens, could make the relay probe or call services on its own network (server-side
 * request forgery).
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  // IPv4-compatible (deprecated): ::127.0.0.1 is written ::7f00:1 and reaches IPv4 over a tunnel.
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  // Teredo and 6to4 carry an IPv4 address inside (2002:7f00:1:: is 127.0.0.1 by 6to4).
  ['2001::', 32],
  ['2002::', 16],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

/** Whether an IP address (v4, v6, or v4 mapped into v6) is one the relay may not reach by default. */
export function isPrivateAddress(address: string): boolean {
  const ip = address.replace(/^\[|\]$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
  const family = isIP(ip);
  if (family === 0) return true; // not an address: refuse rather than guess
  return PRIVATE.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** The code of the error a refused address raises (the delivery sorts it as refused, not retried). */
export const PRIVATE_ADDRESS = 'ERR_SWITCHBOARD_PRIVATE_ADDRESS';

function refusal(host: string, address: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${host} is ${address}, a private or reserved address`), {
    code: PRIVATE_ADDRESS,
  });
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * dns.lookup that fails when any address a name resolves to is private. It runs when the socket
 * connects, so the address checked is the address used: a name that resolves to a public address
 * when the webhook is saved and to a private one later (DNS rebinding) is refused then.
 */
export function publicLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(refusal(hostname, bad.address), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first)
      return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
    callback(null, first.address, first.family);
  });
}

let agent: Agent | undefined;
/** The connection pool webhooks use when private networks are not allowed (connects only to public addresses). */
export function publicOnlyDispatcher(): Agent {
  agent ??= new Agent({ connect: { lookup: publicLookup } });
  return agent;
}

/**
 * Why a URL's host may not be posted to, for a host given as an IP literal (which never goes
 * through a lookup), or null when the lookup at connect time decides.
 */
export function literalRefusal(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) === 0) return null;
  return isPrivateAddress(host) ? `${host} is a private or reserved address` : null;
}
