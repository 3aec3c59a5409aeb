import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { importCycles, sourcesUnder } from './importCycles';

// Lints probe files in place (their text, under a path in each folder) with the project's
// real ESLint config, proving the layering rules fire.
const eslint = new ESLint({ cwd: process.cwd() });

async function errorsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('lint layering', () => {
  it('fails a renderer file that imports electron', async () => {
    const errors = await errorsFor(
      'src/renderer/probe.ts',
      "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n",
    );
    expect(errors.join('\n')).toMatch(/no-restricted-imports: .*never imports Electron/);
  });

  it('fails a renderer file that imports node:fs or fs', async () => {
    for (const mod of ['node:fs', 'fs', 'node:child_process']) {
      const errors = await errorsFor(
        'src/renderer/features/probe.tsx',
        `import * as m from '${mod}';\nexport const x = m;\n`,
      );
      expect(errors.join('\n'), mod).toMatch(/never imports Node built-ins/);
    }
  });

  it('fails shared code that imports electron or Node, and the relay importing main', async () => {
    expect(
      (await errorsFor('src/shared/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n")).length,
    ).toBe(1);
    expect(
      (await errorsFor('src/shared/probe.ts', "import e from 'electron';\nexport const x = e;\n")).length,
    ).toBe(1);
    expect(
      (
        await errorsFor(
          'src/relay/probe.ts',
          "import { createServices } from '../main/services';\nexport const x = createServices;\n",
        )
      ).length,
    ).toBe(1);
    expect(
      (
        await errorsFor(
          'src/main/services/probe.ts',
          "import { app } from 'electron';\nexport const x = app;\n",
        )
      ).length,
    ).toBe(1);
  });

  it("fails relay files that break the rooms' layering, and passes those that keep it", async () => {
    const probe = (path: string, from: string) =>
      errorsFor(path, `import * as m from '${from}';\nexport const x = m;\n`).then((e) => e.join('\n'));
    expect(await probe('src/relay/data/probe.ts', '../identity/auth')).toMatch(/data room is below/);
    expect(await probe('src/relay/data/migrations/probe.ts', '../../sync/hub')).toMatch(/data room is below/);
    expect(await probe('src/relay/core/probe.ts', '../data/store')).toMatch(/core room is below/);
    expect(await probe('src/relay/routing/probe.ts', '../server')).toMatch(/never imports its wiring/);
    expect(await probe('src/relay/channels/email/probe.ts', '../../server')).toMatch(
      /never imports its wiring/,
    );
    expect(await probe('src/relay/routing/probe.ts', '../wiring/rooms')).toMatch(/never imports its wiring/);
    expect(await probe('src/relay/channels/webchat/probe.ts', '../../wiring/core')).toMatch(
      /never imports its wiring/,
    );
    expect(await probe('src/relay/data/probe.ts', '../core/errors')).toBe('');
    expect(await probe('src/relay/wiring/probe.ts', '../routing/service')).toBe('');
    expect(await probe('src/relay/server.ts', './wiring/core')).toBe('');
    expect(await probe('src/relay/sync/probe.ts', '../data/store')).toBe('');
    expect(await probe('src/relay/server.ts', './sync/hub')).toBe('');
  });

  it('fails main files that break the layer map (api → services → sync/keychain → store → base), and passes those that keep it', async () => {
    const probe = (path: string, from: string) =>
      errorsFor(path, `import * as m from '${from}';\nexport const x = m;\n`).then((e) => e.join('\n'));
    const layer = (name: string) => new RegExp(`the ${name} layer imports`);
    // Each rule of the map, broken once.
    expect(await probe('src/main/api/probe.ts', '../store/localStore')).toMatch(layer('api'));
    expect(await probe('src/main/api/probe.ts', '../sync/syncClient')).toMatch(layer('api'));
    expect(await probe('src/main/api/probe.ts', '../keychain/cacheVault')).toMatch(layer('api'));
    expect(await probe('src/main/services/probe.ts', '../api/handlers')).toMatch(layer('services'));
    expect(await probe('src/main/services/session/probe.ts', '../../electron/tray')).toMatch(
      layer('services'),
    );
    expect(await probe('src/main/sync/probe.ts', '../services/sessionService')).toMatch(layer('sync'));
    expect(await probe('src/main/sync/probe.ts', '../keychain/cacheVault')).toMatch(layer('sync'));
    expect(await probe('src/main/keychain/probe.ts', '../sync/syncClient')).toMatch(layer('keychain'));
    expect(await probe('src/main/store/probe.ts', '../sync/syncClient')).toMatch(layer('store'));
    expect(await probe('src/main/store/migrations/probe.ts', '../../services/index')).toMatch(layer('store'));
    expect(await probe('src/main/base/probe.ts', '../store/db')).toMatch(layer('base'));
    expect(await probe('src/main/security/probe.ts', '../store/db')).toMatch(layer('security'));
    expect(await probe('src/main/updater/probe.ts', '../services/index')).toMatch(layer('updater'));
    // The hosts reach the data only through the API and the services, and never each other.
    expect(await probe('src/main/electron/probe.ts', '../store/localStore')).toMatch(layer('hosts'));
    expect(await probe('src/main/browserHost/probe.ts', '../sync/syncClient')).toMatch(layer('hosts'));
    expect(await probe('src/main/browserHost/probe.ts', '../electron/tray')).toMatch(layer('hosts'));
    expect(await probe('src/main/probe.ts', './store/db')).toMatch(layer('hosts'));
    // Kept: each layer importing the ones below it, shared, and itself.
    for (const [path, from] of [
      ['src/main/api/probe.ts', '../services/index'],
      ['src/main/api/probe.ts', '../base/errors'],
      ['src/main/services/probe.ts', '../sync/syncClient'],
      ['src/main/services/probe.ts', '../keychain/cacheVault'],
      ['src/main/services/probe.ts', '../store/localStore'],
      ['src/main/sync/probe.ts', '../store/localStore'],
      ['src/main/keychain/probe.ts', '../store/db'],
      ['src/main/store/probe.ts', '../../shared/sync/mutations'],
      ['src/main/store/migrations/probe.ts', '../statements'],
      ['src/main/electron/probe.ts', '../api/dispatcher'],
      ['src/main/probe.ts', './services/index'],
    ] as const)
      expect(await probe(path, from), `${path} <- ${from}`).toBe('');
  });

  it('finds no import cycle inside src/main, and finds one in a probe that makes it', () => {
    expect(importCycles(sourcesUnder('src/main'))).toEqual([]);
    const probe = new Map([
      ['src/main/store/db.ts', "import { installUnsentCounter } from './outbox';\n"],
      ['src/main/store/outbox.ts', "import type { Db } from './db';\n"],
      ['src/main/store/meta.ts', "import type { Db } from './db';\n"],
    ]);
    expect(importCycles(probe)).toEqual([['src/main/store/db.ts', 'src/main/store/outbox.ts']]);
  });

  it('finds no import cycle anywhere in src/relay (type-only imports count), and finds one a type import back makes', () => {
    const relay = sourcesUnder('src/relay');
    expect(importCycles(relay)).toEqual([]);
    // liveCall.ts once took the queue's deps type from callQueue.ts, which imports liveCall.ts.
    const probe = new Map(relay);
    const liveCall = 'src/relay/voice/liveCall.ts';
    probe.set(liveCall, `${relay.get(liveCall)}\nimport type { CallQueueDeps as D } from './callQueue';\n`);
    expect(importCycles(probe)).toEqual([
      expect.arrayContaining([liveCall, 'src/relay/voice/callQueue.ts', 'src/relay/voice/queueWait.ts']),
    ]);
  });

  it("finds no import cycle through the relay's options, and finds the one an http module importing them makes", () => {
    const relay = sourcesUnder('src/relay');
    const options = 'src/relay/options.ts';
    expect(importCycles(relay).filter((c) => c.includes(options))).toEqual([]);
    // reply.ts once took its default depth from options.ts, which imports the rooms' option types.
    const probe = new Map(relay);
    probe.set(
      'src/relay/http/reply.ts',
      `${relay.get('src/relay/http/reply.ts')}\nimport { DEFAULT_MAX_JSON_DEPTH as D } from '../options';\n`,
    );
    const cycle = importCycles(probe).find((c) => c.includes(options));
    expect(cycle).toContain('src/relay/http/reply.ts');
  });

  it('fails a widget file that imports Node, the relay, shared code or a package, or inserts markup', async () => {
    for (const mod of [
      'node:fs',
      'fs',
      '../relay/channels/webchat/token',
      '../shared/sync/protocol',
      'zod',
    ]) {
      const errors = await errorsFor(
        'src/widget/probe.ts',
        `import * as m from '${mod}';\nexport const x = m;\n`,
      );
      expect(errors.join('\n'), mod).toMatch(/no-restricted-imports: .*imports only its own modules/);
    }
    const markup = await errorsFor(
      'src/widget/probe.ts',
      'export const show = (n: HTMLElement, s: string) => {\n  n.innerHTML = s;\n};\n',
    );
    expect(markup.join('\n')).toMatch(/no-restricted-properties: .*never markup/);
    expect(
      await errorsFor('src/widget/probe.ts', "import { el } from './dom';\nexport const x = el;\n"),
    ).toEqual([]);
  });

  it('accepts the same imports where they belong', async () => {
    expect(
      await errorsFor(
        'src/main/electron/probe.ts',
        "import { app } from 'electron';\nexport const x = app;\n",
      ),
    ).toEqual([]);
    expect(
      await errorsFor('src/main/services/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n"),
    ).toEqual([]);
    expect(
      await errorsFor(
        'src/renderer/probe.ts',
        "import { parseDialLink } from '../shared/dialLink';\nexport const x = parseDialLink;\n",
      ),
    ).toEqual([]);
  });
});
