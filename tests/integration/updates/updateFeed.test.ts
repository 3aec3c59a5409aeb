import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEED_ERR, loadPublicKey, type FeedCheck } from '../../../src/main/updater/feed';
import { installerMatchesFeed } from '../../../src/main/updater/installerCheck';
import { NodeHttpExecutor } from '../../../src/main/updater/nodeHttpExecutor';
import { SignedFeedProvider } from '../../../src/main/updater/signedProvider';
import { publishDir, uploadFile, type RelayTarget } from '../../../src/release/publish';
import { keygen, makeFeed, signFeed } from '../../../src/release/signing';
import type { Relay } from '../../../src/relay';
import { isInRollout } from '../../../src/shared/updates/rollout';
import { ADMIN, http, login, startTestRelay, tempDir } from '../relay/helpers';

// IT's release flow against the relay's real HTTP update endpoint, and the app's provider
// reading it back over HTTP exactly as electron-updater would (Linux feed names).

let relay: Relay & { dataDir: string };
let target: RelayTarget;
let keys: { privateKeyPath: string; publicKeyPath: string };
let releaseDir: string;
const FEED = 'latest-linux.yml';
const INSTALLER = 'Switchboard-0.2.0-linux-x86_64.AppImage';

beforeAll(async () => {
  relay = await startTestRelay();
  const admin = await login(relay, ADMIN.email, ADMIN.password);
  target = { relayUrl: relay.url, token: admin.accessToken, channel: 'stable' };
  keys = keygen(join(tempDir('sb-it-keys-'), 'keys'));
  releaseDir = tempDir('sb-release-');
  writeFileSync(join(releaseDir, INSTALLER), randomBytes(256 * 1024));
  await makeFeed({
    version: '0.2.0',
    installers: [join(releaseDir, INSTALLER)],
    out: join(releaseDir, FEED),
  });
  signFeed(join(releaseDir, FEED), readFileSync(keys.privateKeyPath, 'utf8'), {
    channel: 'stable',
    rollout: 20,
    releaseNotes: 'Faster inbox.\n<script>alert(1)</script> stays text.',
  });
  await publishDir(target, releaseDir);
});

afterAll(async () => {
  await relay.close();
});

/** The app's side: fetch and verify the channel's feed as version 0.1.0 would. */
async function check(channel = 'stable', currentVersion = '0.1.0') {
  const seen: FeedCheck[] = [];
  const provider = new SignedFeedProvider(
    {
      provider: 'custom',
      url: `${relay.url}/updates/${channel}/`,
      publicKey: loadPublicKey(readFileSync(keys.publicKeyPath, 'utf8')),
      switchboardChannel: channel,
      currentVersion,
      onFeed: (r) => seen.push(r),
    },
    null,
    { isUseMultipleRangeRequest: false, platform: 'linux', executor: new NodeHttpExecutor() as never },
  );
  try {
    const info = await provider.getLatestVersion();
    return { info, result: seen[0]!, provider };
  } catch (err) {
    return { error: err as Error & { code?: string }, result: seen[0] };
  }
}

async function republish(mutate: (feed: Buffer) => Buffer, sign?: { key: string; version?: string }) {
  const dir = tempDir('sb-release-variant-');
  let feed = readFileSync(join(releaseDir, FEED));
  if (sign?.version)
    feed = Buffer.from(feed.toString().replace(/^version: .*$/m, `version: ${sign.version}`));
  writeFileSync(join(dir, FEED), feed);
  if (sign) signFeed(join(dir, FEED), sign.key, { channel: 'stable', rollout: 20 });
  else writeFileSync(join(dir, `${FEED}.sig`), readFileSync(join(releaseDir, `${FEED}.sig`)));
  writeFileSync(join(dir, FEED), mutate(readFileSync(join(dir, FEED))));
  await uploadFile(target, join(dir, `${FEED}.sig`));
  await uploadFile(target, join(dir, FEED));
}
const restoreGood = async () => {
  await uploadFile(target, join(releaseDir, `${FEED}.sig`));
  await uploadFile(target, join(releaseDir, FEED));
};

describe('updates through the relay', () => {
  it('keygen leaves the private key readable by its owner only', () => {
    expect(statSync(keys.privateKeyPath).mode & 0o077).toBe(0);
    expect(readFileSync(keys.publicKeyPath, 'utf8')).toContain('BEGIN PUBLIC KEY');
  });

  it('accepts the signed feed and resolves the installer on the relay', async () => {
    const r = await check();
    expect(r.error).toBeUndefined();
    expect(r.info?.version).toBe('0.2.0');
    expect(r.result).toMatchObject({
      ok: true,
      feed: { stagingPercentage: 20, switchboardChannel: 'stable' },
    });
    const files = r.provider!.resolveFiles(r.info!);
    expect(files[0]!.url.href).toBe(`${relay.url}/updates/stable/${INSTALLER}`);
    // Publishing is on the audit log, by file.
    const audit = await http<{ entries: { target: string; actorEmail: string }[] }>(
      relay,
      'GET',
      '/v1/admin/audit?action=update.published',
      undefined,
      target.token,
    );
    expect(audit.body.entries.map((e) => e.target)).toContain(`stable/${INSTALLER}`);
    expect(audit.body.entries[0]!.actorEmail).toBe(ADMIN.email);
  });

  it('refuses a feed with one byte changed', async () => {
    await republish((f) =>
      Buffer.from(f.toString().replace('stagingPercentage: 20', 'stagingPercentage: 90')),
    );
    const r = await check();
    expect(r.error?.code).toBe(FEED_ERR.BAD_SIGNATURE);
    await restoreGood();
  });

  it('refuses a feed signed by another key', async () => {
    const other = generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await republish((f) => f, { key: other });
    expect((await check()).error?.code).toBe(FEED_ERR.BAD_SIGNATURE);
    await restoreGood();
  });

  it('refuses a feed whose signature is missing', async () => {
    const res = await fetch(`${relay.url}/v1/admin/updates/stable/${FEED}.sig`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${target.token}` },
    });
    expect(res.status).toBe(200);
    expect((await check()).error?.code).toBe(FEED_ERR.UNSIGNED);
    await restoreGood();
  });

  it('refuses an older or the same version, even when properly signed', async () => {
    await republish((f) => f, { key: readFileSync(keys.privateKeyPath, 'utf8'), version: '0.0.9' });
    expect((await check()).error?.code).toBe(FEED_ERR.NOT_NEWER);
    await restoreGood();
    expect((await check('stable', '0.2.0')).error?.code).toBe(FEED_ERR.NOT_NEWER);
  });

  it('refuses a feed replayed from another channel', async () => {
    const beta: RelayTarget = { ...target, channel: 'beta' };
    await uploadFile(beta, join(releaseDir, `${FEED}.sig`));
    await uploadFile(beta, join(releaseDir, FEED));
    expect((await check('beta')).error?.code).toBe(FEED_ERR.WRONG_CHANNEL);
  });

  it("refuses an installer whose bytes differ from the feed's sha512", async () => {
    const r = await check();
    const expected = (r.result as Extract<FeedCheck, { ok: true }>).feed.files[0]!.sha512;
    const download = async () => {
      const file = join(tempDir('sb-download-'), INSTALLER);
      writeFileSync(
        file,
        Buffer.from(await (await fetch(`${relay.url}/updates/stable/${INSTALLER}`)).arrayBuffer()),
      );
      return file;
    };
    expect(await installerMatchesFeed(await download(), expected)).toBe(true);
    const swapped = join(tempDir('sb-swap-'), INSTALLER);
    const bytes = readFileSync(join(releaseDir, INSTALLER));
    bytes[1000] = bytes[1000]! ^ 0xff;
    writeFileSync(swapped, bytes);
    await uploadFile(target, swapped);
    expect(await installerMatchesFeed(await download(), expected)).toBe(false);
    await uploadFile(target, join(releaseDir, INSTALLER));
  });

  it('a 20% rollout reaches about 20% of 10,000 installs, the same install always the same answer', async () => {
    const r = await check();
    const pct = (r.result as Extract<FeedCheck, { ok: true }>).feed.stagingPercentage;
    expect(pct).toBe(20);
    let seed = 12345;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const ids = Array.from({ length: 10_000 }, () => {
      const h = Array.from({ length: 4 }, () => next().toString(16).padStart(8, '0')).join('');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
    });
    const inside = ids.filter((id) => isInRollout(id, pct));
    // Binomial sd at n=10,000, p=0.2 is 0.4 points; ±2 points is 5 sd.
    expect(inside.length / ids.length).toBeGreaterThan(0.18);
    expect(inside.length / ids.length).toBeLessThan(0.22);
    expect(ids.filter((id) => isInRollout(id, pct))).toEqual(inside);
  });

  it('only admins may publish or withdraw', async () => {
    const agent = await http(
      relay,
      'POST',
      '/v1/admin/agents',
      { email: 'it-agent@relay.test', password: 'agent-password-1', name: 'Agent' },
      target.token,
    );
    expect(agent.status).toBe(200);
    const agentToken = (await login(relay, 'it-agent@relay.test', 'agent-password-1')).accessToken;
    for (const token of [agentToken, undefined]) {
      const res = await fetch(`${relay.url}/v1/admin/updates/stable/${FEED}`, {
        method: 'PUT',
        headers: { 'content-length': '5', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: 'evil\n',
      });
      expect(res.status).toBe(token ? 403 : 401);
    }
    expect((await check()).info?.version).toBe('0.2.0');
  });
});

describe('release tool CLI', () => {
  it('keygen, feed, sign, publish and rollout from the command line', async () => {
    if (!existsSync('dist/release/release.cjs'))
      spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
    const dir = tempDir('sb-cli-');
    // Asynchronous on purpose: the relay runs in this process and must keep answering.
    const run = (...args: string[]) =>
      new Promise<{ code: number; out: string }>((resolve) => {
        execFile(
          process.execPath,
          ['dist/release/release.cjs', ...args],
          { env: { ...process.env, RELAY_TOKEN: target.token } },
          (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, out: stdout + stderr }),
        );
      });
    expect((await run('keygen', '--out', join(dir, 'keys'))).code).toBe(0);
    expect((await run('keygen', '--out', join(dir, 'keys'))).out).toMatch(/exists/);
    mkdirSync(join(dir, 'rel'));
    writeFileSync(join(dir, 'rel', 'Switchboard-0.3.0.deb'), randomBytes(1000));
    const deb = join(dir, 'rel', 'Switchboard-0.3.0.deb');
    expect((await run('feed', '--version', '0.3.0', '--out', join(dir, 'rel', FEED), deb)).code).toBe(0);
    const key = join(dir, 'keys', 'update-signing-private.pem');
    const feed = join(dir, 'rel', FEED);
    expect(
      (await run('sign', '--key', key, '--channel', 'group-shanghai', '--rollout', '10', feed)).code,
    ).toBe(0);
    expect(
      (await run('publish', '--relay', relay.url, '--channel', 'group-shanghai', join(dir, 'rel'))).out,
    ).toContain('published');
    const roll = await run(
      'rollout',
      '--relay',
      relay.url,
      '--channel',
      'group-shanghai',
      '--key',
      key,
      '--percent',
      '50',
      feed,
    );
    expect(roll.out).toContain('50%');
    const served = await (await fetch(`${relay.url}/updates/group-shanghai/${FEED}`)).text();
    expect(served).toContain('stagingPercentage: 50');
    expect(await run('sign', '--channel', 'stable', feed)).toMatchObject({ code: 1 });
    expect((await run('bogus')).code).toBe(2);
  });
});
