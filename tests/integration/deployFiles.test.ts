// The deployment files under deploy/relay/ load, point at files that exist or that the build
// makes, and call the relay with commands and flags the CLI knows, with --store values it accepts.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseStoreOption } from '../../src/relay/options';
import { runRelayCli } from '../support/relayProcess';

const ROOT = resolve(__dirname, '../..');
const DEPLOY = join(ROOT, 'deploy/relay');
const read = (f: string) => readFileSync(join(DEPLOY, f), 'utf8');
/** What scripts/build.mjs writes for the relay (its esbuild outfile). */
const BUILT = ['dist/relay', 'dist/widget'];

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
};

let usage = '';
beforeAll(async () => {
  const r = await runRelayCli(['--help']);
  expect(r.code).toBe(0);
  usage = r.stdout;
});

/** Checks one relay command line against the CLI: a known command, known flags, a good --store. */
function checkRelayArgs(args: string[]) {
  const [command] = args;
  expect(['serve', 'migrate']).toContain(command);
  expect(usage).toContain(`relay ${command === 'serve' ? '[serve]' : command}`);
  for (const a of args.filter((x) => x.startsWith('--'))) expect(usage, a).toContain(a);
  const i = args.indexOf('--store');
  if (i >= 0) expect(() => parseStoreOption(args[i + 1]!.replace(/\$\{[^}]+\}/g, 'pw'), '/d')).not.toThrow();
}

describe('deploy/relay', () => {
  it('compose.yaml: PostgreSQL, NATS, a migrate step and three relays behind a balancer', () => {
    const doc = yaml.load(read('compose.yaml')) as { services: Record<string, Service>; volumes: object };
    const s = doc.services;
    expect(Object.keys(s).sort()).toEqual(
      ['balancer', 'migrate', 'nats', 'postgres', 'relay1', 'relay2', 'relay3'].sort(),
    );
    for (const name of ['migrate', 'relay1', 'relay2', 'relay3']) {
      const svc = s[name]!;
      expect(existsSync(resolve(DEPLOY, svc.build!.context, svc.build!.dockerfile)), name).toBe(true);
      checkRelayArgs(svc.command!);
      expect(svc.command).toContain('--store');
    }
    for (const name of ['relay1', 'relay2', 'relay3']) {
      expect(s[name]!.depends_on).toMatchObject({ migrate: { condition: 'service_completed_successfully' } });
      // One shared folder, so every relay signs and checks tokens with the same secret.
      expect(s[name]!.volumes).toEqual(['relay-shared:/var/lib/switchboard']);
    }
    expect(s['migrate']!.command![0]).toBe('migrate');
    for (const v of s['balancer']!.volumes!) {
      const [from] = v.split(':');
      expect(existsSync(resolve(DEPLOY, from!)), v).toBe(true);
    }
    expect(Object.keys(doc.volumes)).toEqual(expect.arrayContaining(['postgres-data', 'relay-shared']));
    const haproxy = read('haproxy.cfg');
    expect(haproxy).toContain('option httpchk GET /readyz');
    for (const name of ['relay1', 'relay2', 'relay3'])
      expect(haproxy).toContain(`server ${name} ${name}:8787`);
  });

  it('Containerfile: copies what exists or what the build makes, and runs the relay CLI', () => {
    const cf = read('Containerfile');
    const copies = [...cf.matchAll(/^COPY (.+)$/gm)].map((m) => m[1]!.split(/\s+/));
    expect(copies.length).toBeGreaterThan(4);
    for (const words of copies) {
      const from = words[0]!.startsWith('--from=');
      for (const src of words.slice(from ? 1 : 0, -1)) {
        if (from) {
          const rel = src.replace(/^\/src\//, '');
          expect(rel === 'package.json' || rel === 'node_modules' || BUILT.includes(rel), src).toBe(true);
        } else if (src !== '.') expect(existsSync(join(ROOT, src)), src).toBe(true);
      }
    }
    expect(cf).toContain('ENTRYPOINT ["node", "/opt/switchboard/dist/relay/relay.cjs"]');
    expect(readFileSync(join(ROOT, 'scripts/build.mjs'), 'utf8')).toContain(
      "outfile: 'dist/relay/relay.cjs'",
    );
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(cf)![1]!) as string[];
    checkRelayArgs(cmd);
    expect(cf).toMatch(/HEALTHCHECK[\s\S]*\/readyz/);
    expect(existsSync(join(ROOT, '.dockerignore'))).toBe(true);
  });

  it('switchboard-relay.service: a complete unit that migrates, then serves, as an unprivileged user', () => {
    const unit = read('switchboard-relay.service');
    const sections = [...unit.matchAll(/^\[(\w+)\]$/gm)].map((m) => m[1]);
    expect(sections).toEqual(['Unit', 'Service', 'Install']);
    const keys = new Map<string, string>();
    for (const line of unit.split('\n')) {
      const m = /^(\w+)=(.*)$/.exec(line);
      if (m) keys.set(m[1]!, m[2]!);
    }
    expect(keys.get('User')).toBe('switchboard');
    expect(keys.get('WantedBy')).toBe('multi-user.target');
    const env = new Map([...unit.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const));
    const expand = (cmd: string) =>
      cmd.replace(/\$\{(\w+)\}/g, (_, k: string) => env.get(k) ?? `<${k}>`).split(/\s+/);
    for (const key of ['ExecStartPre', 'ExecStart']) {
      const [node, bin, ...args] = expand(keys.get(key)!);
      expect(node).toBe('/usr/bin/node');
      expect(bin).toBe('/opt/switchboard/dist/relay/relay.cjs');
      checkRelayArgs(args);
    }
    expect(expand(keys.get('ExecStartPre')!)[2]).toBe('migrate');
    expect(keys.get('RestartPreventExitStatus')).toBe('2');
  });
});
