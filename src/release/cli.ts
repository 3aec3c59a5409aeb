import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loginForToken, publishDir, uploadFile, withdraw, type RelayTarget } from './publish';
import { keygen, makeFeed, signFeed } from './signing';

const USAGE = `IT release tool for Switchboard updates.

  npm run release -- keygen --out <dir>
      Ed25519 key pair; the private key (mode 0600) never leaves IT's machine. Ship
      <dir>/update-public-key.pem as resources/update-public-key.pem in the app.
  npm run release -- feed --version <v> --out <latest-linux.yml> <installer...>
      Writes a feed for installers built elsewhere (electron-builder writes its own).
  npm run release -- sign --key <private.pem> --channel <name> [--rollout <0-100>]
                          [--deadline <ISO time>] [--notes <file>] <latest*.yml...>
      Signs feeds for a channel (stable, beta, or a group of agents) with a rollout percentage.
  npm run release -- publish --relay <url> --channel <name> <dir>
      Uploads installers, then signed feeds. Admin credentials: RELAY_TOKEN, or --email with
      RELAY_PASSWORD in the environment.
  npm run release -- rollout --relay <url> --channel <name> --key <private.pem> --percent <n> <feed.yml>
      Re-signs and republishes the feed with a new percentage (0 pauses the release).
  npm run release -- withdraw --relay <url> --channel <name> <feed name...>
      Removes the feeds from the channel.
`;

const OPTIONS = {
  out: { type: 'string' },
  key: { type: 'string' },
  channel: { type: 'string' },
  rollout: { type: 'string' },
  percent: { type: 'string' },
  deadline: { type: 'string' },
  notes: { type: 'string' },
  relay: { type: 'string' },
  email: { type: 'string' },
  version: { type: 'string' },
} as const;

/** One command's arguments, and how it reports. */
type Run = {
  v: Partial<Record<keyof typeof OPTIONS, string>>;
  positionals: string[];
  /** The option's value; throws, naming it, when it was not given. */
  need: (name: keyof typeof OPTIONS) => string;
  /** The relay, credentials and channel of --relay, --channel and the environment. */
  target: () => Promise<RelayTarget>;
  out: (line: string) => void;
};

/** What each command does. */
const COMMANDS: Record<string, (r: Run) => Promise<void>> = {
  async keygen({ need, out }) {
    const r = keygen(need('out'));
    out(`private key: ${r.privateKeyPath} (mode 0600: keep it on this machine)\npublic key:  ${r.publicKeyPath}`);
  },
  async feed({ v, positionals, need, out }) {
    await makeFeed({ version: need('version'), installers: positionals, out: need('out') });
    out(`feed written: ${v.out}`);
  },
  async sign({ v, positionals, need, out }) {
    if (positionals.length === 0) throw new Error('name the feed files to sign');
    const pem = readFileSync(need('key'), 'utf8');
    for (const feed of positionals) {
      signFeed(feed, pem, {
        channel: need('channel'),
        ...(v.rollout !== undefined ? { rollout: Number(v.rollout) } : {}),
        ...(v.deadline !== undefined ? { deadline: v.deadline } : {}),
        ...(v.notes !== undefined ? { releaseNotes: readFileSync(v.notes, 'utf8') } : {}),
      });
      out(`signed: ${feed} (+ ${basename(feed)}.sig)`);
    }
  },
  async publish({ positionals, target, out }) {
    const t = await target();
    const dir = positionals[0];
    if (!dir) throw new Error('name the release folder to publish');
    await publishDir(t, dir, (n) => out(`uploaded ${n}`));
    out(`published to ${t.relayUrl}/updates/${t.channel}/`);
  },
  async rollout({ v, positionals, need, target, out }) {
    const t = await target();
    const feed = positionals[0];
    if (!feed) throw new Error('name the feed file');
    signFeed(feed, readFileSync(need('key'), 'utf8'), { channel: t.channel, rollout: Number(need('percent')) });
    await uploadFile(t, `${feed}.sig`);
    await uploadFile(t, join(dirname(feed), basename(feed)));
    out(`rollout of ${basename(feed)} on ${t.channel}: ${v.percent}%`);
  },
  async withdraw({ positionals, target, out }) {
    const t = await target();
    await withdraw(t, positionals);
    out(`withdrawn from ${t.channel}: ${positionals.join(', ')}`);
  },
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values: v, positionals } = parseArgs({ args: rest, allowPositionals: true, options: OPTIONS });
  const out = (s: string) => process.stdout.write(`${s}\n`);
  const run = command !== undefined && Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    out(USAGE);
    if (command && command !== '--help' && command !== 'help') process.exitCode = 2;
    return;
  }
  const need = (name: keyof typeof OPTIONS): string => {
    const value = v[name];
    if (!value) throw new Error(`--${name} is required for ${command}. See --help.`);
    return value;
  };
  const target = async (): Promise<RelayTarget> => {
    const relayUrl = need('relay');
    const token =
      process.env['RELAY_TOKEN'] ??
      (v.email ? await loginForToken(relayUrl, v.email, process.env['RELAY_PASSWORD'] ?? '') : undefined);
    if (!token) throw new Error('set RELAY_TOKEN, or pass --email with RELAY_PASSWORD set.');
    return { relayUrl, token, channel: need('channel') };
  };
  await run({ v, positionals, need, target, out });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`release: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
