// `npm run demo:call`: a customer calls the demo's phone queue, so a newcomer sees ringing,
// screen-pop, answer, hold, transfer and wrap-up on the workstation without a second phone.
//
//   npm run demo:call -- [--to support] [--from +8613800000000] [--seconds 120] [--data DIR]
//
// The caller is headless Debian Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH)
// running the app's own SIP core (sip.js) against the embedded PBX that `npm start` runs; its voice
// is a test tone (440 Hz, beeping). It prints what happens to the call as the relay records it
// (queued, ringing which agent, answered, on hold, ended), read from the embedded relay's database,
// and hangs up after --seconds, on Ctrl+C, or ends when the agent hangs up. --data is npm start's
// folder (default .switchboard-data or SWITCHBOARD_DATA_ROOT).
/* global window, AudioContext -- the parts that run in the caller's page */
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS, CHROMIUM_PATH } from './chromium.mjs';
import { sipPassword } from './embeddedPbx.mjs';

function parseArgs(argv) {
  const o = {
    to: 'support',
    from: '+8613800000000',
    seconds: '120',
    data: process.env.SWITCHBOARD_DATA_ROOT ?? '.switchboard-data',
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    if (!(k in o) || v === undefined || v.startsWith('--')) {
      console.error(`demo:call: unknown option or missing value: ${argv[i]}`);
      console.error(
        'usage: npm run demo:call -- [--to support] [--from +8613800000000] [--seconds 120] [--data DIR]',
      );
      process.exit(2);
    }
    o[k] = v;
    i++;
  }
  if (!/^[A-Za-z0-9._+-]{1,64}$/.test(o.to) || !/^[A-Za-z0-9._+-]{1,64}$/.test(o.from)) {
    console.error('demo:call: --to and --from are SIP users or numbers (letters, digits, . _ + -).');
    process.exit(2);
  }
  const seconds = Number(o.seconds);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) {
    console.error('demo:call: --seconds is a whole number from 1 to 3600.');
    process.exit(2);
  }
  return { ...o, seconds };
}

const opts = parseArgs(process.argv.slice(2));
const dataRoot = resolve(opts.data);
const pbxFile = resolve(dataRoot, 'pbx', 'pbx.json');
if (!existsSync(pbxFile)) {
  console.error(
    `demo:call: no embedded PBX in ${dataRoot} (no pbx/pbx.json). Start the demo first with "npm start" ` +
      '(it runs the PBX where Kamailio is installed: "bash scripts/setup.sh"), or pass --data.',
  );
  process.exit(1);
}
if (!existsSync(CHROMIUM_PATH)) {
  console.error(
    `demo:call: ${CHROMIUM_PATH} not found: "sudo apt-get install chromium" (or set CHROMIUM_PATH).`,
  );
  process.exit(1);
}
const pbx = JSON.parse(readFileSync(pbxFile, 'utf8'));
const secret = readFileSync(resolve(dataRoot, 'pbx', 'secret'), 'utf8').trim();

// The caller's page: the app's SIP core, and a microphone that plays a beeping 440 Hz tone.
const CALLER_JS = `
import { SipPhone } from './src/renderer/features/phone/sipPhone.ts';
let phone = null;
window.caller = {
  async start(config) {
    phone = new SipPhone(config, {
      onRegistration: (r, d) => window.__onRegistration(r, d.error ?? ''),
      onCall: (c) => window.__onCall({ id: c.id, state: c.state, endReason: c.endReason, media: c.media }),
    }, { log: () => {} });
    await phone.start();
  },
  call: (target) => phone.call(target),
  hangup: (id) => phone.hangup(id),
  stop: () => phone && phone.stop(),
};
`;
function toneMicrophone() {
  const md = navigator.mediaDevices;
  md.getUserMedia = async () => {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 440;
    // One second of tone, half a second of silence: recognisably a test caller.
    for (let t = 0; t < 3600; t += 1.5) {
      gain.gain.setValueAtTime(0.3, ctx.currentTime + t);
      gain.gain.setValueAtTime(0, ctx.currentTime + t + 1);
    }
    const dest = ctx.createMediaStreamDestination();
    osc.connect(gain).connect(dest);
    osc.start();
    return dest.stream;
  };
}

const pause = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (s) => console.log(`[${new Date().toLocaleTimeString()}] ${s}`);
let browser = null;
let page = null;
let server = null;
let db = null;
let callId = null;
let finished = false;

async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) say(why);
  try {
    // Hang up properly (a BYE or CANCEL), so the agent's phone and the relay hear of it.
    if (page && callId)
      await Promise.race([page.evaluate((id) => window.caller.hangup(id), callId), pause(3000)]);
    // The relay's last word on the call (it lands a moment after the hang-up).
    for (let i = 0; placed && i < 30 && !FINAL.has(seen.split(':')[0]); i++) {
      report();
      await pause(100);
    }
    await browser?.close();
  } catch {
    // already gone
  }
  server?.close();
  db?.close();
  process.exit(code);
}
process.on('SIGINT', () => void finish(0, 'Ctrl+C: hanging up.'));
process.on('SIGTERM', () => void finish(0, 'Stopped: hanging up.'));

/** What the relay has recorded of this caller's newest queued call since `since`, or null. */
function relayCall(since) {
  if (!db) {
    const file = resolve(dataRoot, 'relay', 'relay.db');
    if (!existsSync(file)) return null;
    db = new Database(file, { readonly: true, fileMustExist: true });
  }
  const row = db
    .prepare(
      `SELECT data FROM records WHERE entity = 'conversation'
         AND json_extract(data, '$.call.from') LIKE ? AND json_extract(data, '$.call.queuedAt') >= ?
       ORDER BY json_extract(data, '$.call.queuedAt') DESC LIMIT 1`,
    )
    .get(`%${opts.from}%`, since);
  return row ? JSON.parse(row.data).call : null;
}
/** Call states after which nothing more happens. */
const FINAL = new Set(['ended', 'abandoned', 'callback']);
let since = new Date().toISOString();
let seen = '';
/** Whether the call was placed (so the relay may have a record of it). */
let placed = false;
/** Prints the relay's record of the call (as a supervisor sees it) when it changed. */
function report() {
  try {
    const call = relayCall(since);
    if (!call) return;
    const key = `${call.state}:${call.offeredTo ?? call.agentId ?? ''}`;
    if (key === seen) return;
    const before = seen.split(':')[0];
    seen = key;
    say(describe(call, before));
  } catch (err) {
    say(`(could not read the relay's record of the call: ${err.message})`);
  }
}
const agentName = (id) => {
  const a = id ? db.prepare('SELECT name, email FROM agents WHERE id = ?').get(id) : null;
  return a ? `${a.name} (${a.email})` : 'an agent';
};

/** One line per new call state the relay records (`before`: the state printed last). */
function describe(call, before) {
  const who = agentName(call.offeredTo ?? call.agentId);
  switch (call.state) {
    case 'queued':
      return call.previous
        ? `Back in the queue (${call.previous.outcome ?? 'not taken'}): waiting for the next Available agent…`
        : `Queued at ${opts.to}: waiting for an Available agent (you hear ringback)…`;
    case 'offered':
      return `Offered to ${who}…`;
    case 'ringing':
      return `Ringing ${who}: their workstation shows the screen-pop.`;
    case 'talking':
      return before === 'held'
        ? `Off hold: talking with ${who} again.`
        : `Answered by ${who}: talking (your voice is a beeping test tone).`;
    case 'held':
      return 'On hold.';
    case 'transferred':
      return 'Transferred.';
    case 'ended':
      return `Ended (hung up by the ${call.endedBy ?? 'other side'}).`;
    case 'abandoned':
      return 'Abandoned: the caller gave up while waiting.';
    case 'callback':
      return `Nobody took the call within the queue's limit: it is now a callback task (waited ${Math.round((call.waitedMs ?? 0) / 1000)} s).`;
    default:
      return `Call state: ${call.state}.`;
  }
}

const ENDED = {
  remote: 'the agent hung up',
  local: 'you hung up',
  declined: 'declined',
  cancelled: 'cancelled',
  failed: 'the queue did not put it through',
  transferred: 'transferred',
  lost: 'the connection to the PBX was lost',
};

const bundle = await build({
  stdin: { contents: CALLER_JS, resolveDir: process.cwd(), loader: 'js' },
  bundle: true,
  write: false,
  format: 'iife',
  platform: 'browser',
  target: 'chrome120',
  logLevel: 'warning',
});
const js = bundle.outputFiles[0].text;
// A loopback origin (Chromium lets such a page open ws://127.0.0.1; loopback is a secure context).
server = createServer((req, res) => {
  if (req.url === '/caller.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
  else
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>demo caller</title><script src="/caller.js"></script>');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));

browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: [...CHROMIUM_ARGS, ...CHROMIUM_MEDIA_ARGS],
  // Ctrl+C is ours to handle: the browser must live until the caller has hung up (BYE or CANCEL).
  handleSIGINT: false,
  handleSIGTERM: false,
  handleSIGHUP: false,
});
page = await browser.newPage();
await page.addInitScript(toneMicrophone);
let lastState = null;
let registered;
const registeredOnce = new Promise((r) => (registered = r));
await page.exposeFunction('__onRegistration', (r, error) => {
  if (r === 'registered') registered(true);
  if (r === 'failed')
    void finish(1, `The PBX refused the caller's registration${error ? ` (${error})` : ''}.`);
});
await page.exposeFunction('__onCall', (c) => {
  if (c.id !== callId || c.state === lastState) return;
  lastState = c.state;
  if (c.state === 'established') say('The call is connected.');
  if (c.state === 'ended') {
    callId = null;
    void pause(700).then(() => finish(0, `Call over: ${ENDED[c.endReason] ?? 'ended'}.`));
  }
});
await page.goto(`http://127.0.0.1:${server.address().port}/`);
await page.waitForFunction('"caller" in window');
say(`Calling sip:${opts.to}@${pbx.domain} as ${opts.from} through ${pbx.wsUrl} (up to ${opts.seconds} s)…`);
await page.evaluate((c) => window.caller.start(c), {
  server: pbx.wsUrl,
  uri: `sip:${opts.from}@${pbx.domain}`,
  authUser: opts.from,
  password: sipPassword(opts.from, secret),
  displayName: '',
  iceServers: [],
  dtmf: 'auto',
});
const timeout = setTimeout(
  () => void finish(1, `The PBX at ${pbx.wsUrl} did not answer: is npm start running?`),
  15_000,
);
await registeredOnce;
clearTimeout(timeout);
since = new Date(Date.now() - 2000).toISOString();
callId = await page.evaluate((t) => window.caller.call(t), `sip:${opts.to}@${pbx.domain}`);
placed = true;
setTimeout(() => void finish(0, `${opts.seconds} s are up: hanging up.`), opts.seconds * 1000);

// Often enough to see a ring that an agent answers at once.
setInterval(report, 100);
