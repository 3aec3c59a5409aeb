// Real mail servers from Debian for the email channel's tests: Dovecot (IMAP, plain and implicit
// TLS on a certificate made here) and Postfix (SMTP) on 127.0.0.1, each with its own configuration
// in a temp dir, sharing one Maildir tree: Postfix's virtual agent delivers into the Maildirs that
// Dovecot serves, so a mail sent through Postfix to a local address shows up over IMAP.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';

const DOVECOT = '/usr/sbin/dovecot';
const POSTFIX = '/usr/sbin/postfix';

/** Why the mail servers cannot run here (a reason to print and skip), or null. */
export function mailServersMissing(): string | null {
  if (!existsSync(DOVECOT)) return 'Dovecot is not installed (apt-get install dovecot-imapd)';
  if (!existsSync(POSTFIX)) return 'Postfix is not installed (apt-get install postfix)';
  if (process.getuid?.() !== 0) return 'Dovecot and Postfix need root to start here';
  return null;
}

export type MailUser = { address: string; password: string };

export type MailServers = {
  dir: string;
  imapPort: number;
  /** Implicit TLS, on a self-signed certificate no client trusts. */
  imapsPort: number;
  smtpPort: number;
  /** Puts a raw message into a user's folder, as if it had arrived (IMAP APPEND). */
  append(user: MailUser, raw: string, folder?: string): Promise<void>;
  /** The raw messages in a user's folder, oldest first. */
  messages(user: MailUser, folder?: string): Promise<string[]>;
  stop(): Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

function uidOf(name: string): { uid: number; gid: number } {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const g = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  return { uid: Number(r.stdout.trim()), gid: Number(g.stdout.trim()) };
}

async function waitPort(port: number, proc: ChildProcess, what: string, log: () => string) {
  const { connect } = await import('node:net');
  for (let i = 0; i < 400; i++) {
    if (proc.exitCode !== null) throw new Error(`${what} exited ${proc.exitCode}: ${log()}`);
    const ok = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${what} did not listen on ${port}: ${log()}`);
}

/** Starts Dovecot and Postfix for `users` (their domains are local); stop() ends both. */
export async function startMailServers(users: MailUser[]): Promise<MailServers> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-mail-'));
  chmodSync(dir, 0o755); // Postfix and Dovecot drop to their own users, which must reach the tree
  const [imapPort, imapsPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const mail = join(dir, 'mail');
  for (const d of ['dovecot/run', 'dovecot/state', 'postfix/etc', 'postfix/queue', 'postfix/data', 'mail'])
    mkdirSync(join(dir, d), { recursive: true });
  const vmail = uidOf('dovecot');
  chownSync(mail, vmail.uid, vmail.gid);
  chownSync(join(dir, 'postfix/data'), uidOf('postfix').uid, 0);
  spawnSync('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ]);
  writeFileSync(join(dir, 'users'), users.map((u) => `${u.address}:{PLAIN}${u.password}\n`).join(''), {
    mode: 0o644,
  });
  const dv = join(dir, 'dovecot');
  writeFileSync(
    join(dv, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dv}/run
state_dir = ${dv}/state
log_path = ${dv}/dovecot.log
first_valid_uid = ${vmail.uid}
ssl = yes
ssl_cert = <${dir}/cert.pem
ssl_key = <${dir}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${vmail.uid} gid=${vmail.gid} home=${mail}/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${imapPort}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${imapsPort}
    ssl = yes
  }
}
`,
  );
  const pf = join(dir, 'postfix');
  const domains = [...new Set(users.map((u) => u.address.split('@')[1]!))];
  writeFileSync(
    join(pf, 'etc/main.cf'),
    `compatibility_level = 3.6
queue_directory = ${pf}/queue
data_directory = ${pf}/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = loopback-only
inet_protocols = ipv4
myhostname = mail.test
mydestination =
mynetworks = 127.0.0.0/8
relayhost =
virtual_mailbox_domains = ${domains.join(' ')}
virtual_mailbox_base = ${mail}
virtual_mailbox_maps = texthash:${pf}/etc/vmailbox
virtual_uid_maps = static:${vmail.uid}
virtual_gid_maps = static:${vmail.gid}
maillog_file_prefixes = ${pf}
maillog_file = ${pf}/postfix.log
smtpd_relay_restrictions = permit_mynetworks, reject
disable_dns_lookups = yes
smtp_host_lookup = native
local_transport = error:no local delivery here
alias_maps =
alias_database =
`,
  );
  writeFileSync(join(pf, 'etc/vmailbox'), users.map((u) => `${u.address} ${u.address}/Maildir/\n`).join(''));
  writeFileSync(
    join(pf, 'etc/master.cf'),
    `127.0.0.1:${smtpPort} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
lmtp      unix  -       -       n       -       -       lmtp
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`,
  );

  const stopOne = (p: ChildProcess) =>
    new Promise<void>((r) => {
      if (p.exitCode !== null || p.signalCode !== null) return r();
      const t = setTimeout(() => p.kill('SIGKILL'), 5_000);
      p.once('exit', () => (clearTimeout(t), r()));
      p.kill('SIGTERM');
    });

  let dlog = '';
  const dovecot = spawn(DOVECOT, ['-F', '-c', join(dv, 'dovecot.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  dovecot.stderr!.on('data', (b: Buffer) => (dlog += b.toString()));
  let plog = '';
  const postfix = spawn(POSTFIX, ['-c', join(pf, 'etc'), 'start-fg'], { stdio: ['ignore', 'pipe', 'pipe'] });
  postfix.stderr!.on('data', (b: Buffer) => (plog += b.toString()));
  postfix.stdout!.on('data', (b: Buffer) => (plog += b.toString()));
  // `postfix start-fg` leaves its master running when only the wrapper is signalled: stop it the
  // way Postfix is stopped, then make sure by the master's pid file.
  const stopPostfix = async () => {
    spawnSync(POSTFIX, ['-c', join(pf, 'etc'), 'stop'], { stdio: 'ignore' });
    const pidFile = join(pf, 'queue', 'pid', 'master.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      for (let i = 0; i < 100 && pid > 0; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          break;
        }
        await new Promise((r) => setTimeout(r, 50));
        if (i === 60) process.kill(pid, 'SIGKILL');
      }
    }
    await stopOne(postfix);
  };
  try {
    await waitPort(imapPort, dovecot, 'dovecot', () => dlog);
    await waitPort(smtpPort, postfix, 'postfix', () => plog);
  } catch (err) {
    await Promise.all([stopOne(dovecot), stopPostfix()]);
    throw err;
  }

  const client = async (user: MailUser) => {
    const c = new ImapFlow({
      host: '127.0.0.1',
      port: imapPort,
      secure: false,
      doSTARTTLS: false,
      auth: { user: user.address, pass: user.password },
      logger: false,
    });
    await c.connect();
    return c;
  };

  return {
    dir,
    imapPort,
    imapsPort,
    smtpPort,
    async append(user, raw, folder = 'INBOX') {
      const c = await client(user);
      try {
        await c.append(folder, raw);
      } finally {
        await c.logout();
      }
    },
    async messages(user, folder = 'INBOX') {
      // Straight from the Maildir: no IMAP session marks anything seen or races the relay's.
      const box = join(mail, user.address, 'Maildir', ...(folder === 'INBOX' ? [] : [`.${folder}`]));
      const out: { name: string; raw: string }[] = [];
      for (const sub of ['new', 'cur']) {
        const d = join(box, sub);
        if (!existsSync(d)) continue;
        for (const f of readdirSync(d)) out.push({ name: f, raw: readFileSync(join(d, f), 'utf8') });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name)).map((m) => m.raw);
    },
    async stop() {
      await Promise.all([stopOne(dovecot), stopPostfix()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
