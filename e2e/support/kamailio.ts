import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderPbxConfig } from '../../scripts/embeddedPbx.mjs';

/** Debian's binary; the end-to-end phone tests are skipped (with a printed reason) without it. */
export const KAMAILIO_BIN = process.env['KAMAILIO_BIN'] ?? '/usr/sbin/kamailio';
// The deployment config itself, rendered with this run's ports and secret as the demo's PBX is
// (scripts/embeddedPbx.mjs).
const MODULE_DIR = '/usr/lib/x86_64-linux-gnu/kamailio/modules';
const MODULES = `${MODULE_DIR}/websocket.so`;
const OPENSSL_BIN = process.env['OPENSSL_BIN'] ?? '/usr/bin/openssl';

/** Why Kamailio cannot run here, or null when it can. */
export function kamailioMissing(): string | null {
  if (!existsSync(KAMAILIO_BIN)) return `${KAMAILIO_BIN} not found (apt-get install kamailio)`;
  if (!existsSync(MODULES)) return 'websocket module not found (apt-get install kamailio-websocket-modules)';
  return null;
}

/** Why Kamailio cannot run call queues here (evapi + jansson), or null when it can. */
export function kamailioQueuesMissing(): string | null {
  const base = kamailioMissing();
  if (base) return base;
  if (!existsSync(`${MODULE_DIR}/evapi.so`))
    return 'evapi module not found (apt-get install kamailio-extra-modules)';
  if (!existsSync(`${MODULE_DIR}/jansson.so`))
    return 'jansson module not found (apt-get install kamailio-json-modules)';
  return null;
}

/** Why Kamailio cannot serve wss here (no tls module or no openssl), or null when it can. */
export function kamailioTlsMissing(): string | null {
  if (!existsSync(`${MODULE_DIR}/tls.so`))
    return 'tls module not found (apt-get install kamailio-tls-modules)';
  if (!existsSync(OPENSSL_BIN)) return `${OPENSSL_BIN} not found (apt-get install openssl)`;
  return null;
}

export type KamailioTls = {
  port: number;
  /** `wss://127.0.0.1:<port>`, served with a self-signed certificate made for this run. */
  wssUrl: string;
  /** The certificate (PEM). */
  certPem: string;
  /** base64 SHA-256 of its SubjectPublicKeyInfo: `--ignore-certificate-errors-spki-list=<this>`. */
  spkiSha256: string;
};

export type RunningKamailio = {
  port: number;
  /** `ws://127.0.0.1:<port>`: plain WebSocket on loopback (production uses wss). */
  wsUrl: string;
  /** The wss listener, when started with `tls: true`. */
  tls: KamailioTls | null;
  /** `127.0.0.1:<port>` of the evapi socket the relay connects to, when started with `queues: true`. */
  evapiAddress: string | null;
  /** SIP domain the registrar serves. */
  domain: string;
  /**
   * The SIP password Kamailio accepts for `user` (REGISTER and initial requests are challenged
   * with digest auth): derived from the user and a secret chosen for this run, see kamailio.cfg.
   */
  passwordFor: (user: string) => string;
  log: () => string;
  /** Stops and starts it again on the same port; registrations (memory only) are lost. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitListening(port: number, proc: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (proc.exitCode !== null) throw new Error(`kamailio exited with ${proc.exitCode}:\n${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`kamailio did not listen on ${port}:\n${log()}`);
}

/**
 * A self-signed certificate for 127.0.0.1 and localhost (P-256, valid two days) in `dir`, and the
 * Kamailio TLS config that serves it.
 */
function makeTls(dir: string, port: number): KamailioTls & { cfg: string } {
  const key = join(dir, 'tls-key.pem');
  const cert = join(dir, 'tls-cert.pem');
  const made = spawnSync(
    OPENSSL_BIN,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl could not make a certificate:\n${made.stderr}`);
  const certPem = readFileSync(cert, 'utf8');
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  const cfg = join(dir, 'tls.cfg');
  writeFileSync(
    cfg,
    [
      '[server:default]',
      'method = TLSv1.2+',
      'verify_certificate = no',
      'require_certificate = no',
      `private_key = ${key}`,
      `certificate = ${cert}`,
      '',
      '[client:default]',
      'verify_certificate = no',
      'require_certificate = no',
      '',
    ].join('\n'),
  );
  return {
    port,
    wssUrl: `wss://127.0.0.1:${port}`,
    certPem,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    cfg,
  };
}

/**
 * Writes the repo's config with free ports into a fresh directory and runs Kamailio in the
 * foreground (`-DD -E`, runtime files in that directory, no root paths). Resolves once it listens.
 * `tls: true` adds a wss listener with a certificate made now (see kamailioTlsMissing()).
 */
export async function startKamailio(
  options: { tls?: boolean; queues?: boolean } = {},
): Promise<RunningKamailio> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-kamailio-'));
  const port = await freePort();
  const secret = randomBytes(16).toString('hex');
  let tls: (KamailioTls & { cfg: string }) | null = null;
  if (options.tls) {
    const missing = kamailioTlsMissing();
    if (missing) throw new Error(`wss asked for but ${missing}`);
    tls = makeTls(dir, await freePort());
  }
  const evapiPort = options.queues ? await freePort() : 0;
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(
    cfg,
    renderPbxConfig({ port, secret, tlsPort: tls?.port ?? 0, tlsCfg: tls?.cfg ?? '', evapiPort }),
  );
  const defines = [...(tls ? ['-A', 'WITH_TLS'] : []), ...(options.queues ? ['-A', 'WITH_QUEUES'] : [])];
  const check = spawnSync(KAMAILIO_BIN, ['-c', ...defines, '-f', cfg], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`kamailio config check failed:\n${check.stderr}`);
  let out = '';
  let proc: ChildProcess;
  const launch = async () => {
    proc = spawn(KAMAILIO_BIN, ['-DD', '-E', '-Y', dir, '-m', '64', '-M', '8', ...defines, '-f', cfg], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      out = (out + b.toString()).slice(-200_000);
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    await waitListening(port, proc, () => out);
    if (tls) await waitListening(tls.port, proc, () => out);
    if (evapiPort) await waitListening(evapiPort, proc, () => out);
  };
  const stopProc = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  await launch();
  return {
    port,
    wsUrl: `ws://127.0.0.1:${port}`,
    tls: tls && { port: tls.port, wssUrl: tls.wssUrl, certPem: tls.certPem, spkiSha256: tls.spkiSha256 },
    evapiAddress: evapiPort ? `127.0.0.1:${evapiPort}` : null,
    domain: 'switchboard.test',
    passwordFor: (user) => createHash('md5').update(`${user}:${secret}`).digest('hex'),
    log: () => out,
    restart: async () => {
      await stopProc();
      // The listening socket is gone once the process has exited; start on the same port.
      await launch();
    },
    stop: async () => {
      await stopProc();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
