import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';

// electron-builder's own JSON schema for its configuration, shipped in app-builder-lib.
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('app-builder-lib/scheme.json'), 'utf8')) as object;

function validate(config: unknown) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const ok = ajv.validate(schema, config);
  return { ok, errors: (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
}

describe('electron-builder.yml', () => {
  const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as Record<string, unknown>;

  it("is valid against electron-builder's schema", () => {
    const r = validate(config);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('builds every installer the issue names, signed-publisher and hardened', () => {
    const targets = (os: string) =>
      ((config[os] as { target: { target: string }[] }).target ?? []).map((t) => t.target).sort();
    expect(targets('win')).toEqual(['nsis']);
    expect(targets('mac')).toEqual(['dmg', 'zip']);
    expect(targets('linux')).toEqual(['AppImage', 'deb']);
    expect(
      (config['win'] as { signtoolOptions: { publisherName: string[] } }).signtoolOptions.publisherName,
    ).toEqual(['Switchboard']);
    expect((config['mac'] as { hardenedRuntime: boolean }).hardenedRuntime).toBe(true);
    expect(config['asarUnpack']).toContain('**/*.node');
    expect(String(config['artifactName'])).toMatch(/\$\{productName\}.*\$\{version\}.*\$\{os\}.*\$\{arch\}/);
  });

  it('the schema check catches a broken config', () => {
    expect(validate({ ...config, nsis: { oneClick: 'maybe' } }).ok).toBe(false);
    expect(validate({ ...config, notAnOption: true }).ok).toBe(false);
  });
});

describe('electron-builder.yml electronFuses', () => {
  const config = yaml.load(readFileSync('electron-builder.yml', 'utf8')) as { electronFuses?: object };

  it('flips the hardening fuses, as electron-builder hands them to @electron/fuses', async () => {
    // electron-builder's own translation of the yml section into @electron/fuses' wire options.
    const { PlatformPackager } = require('app-builder-lib') as {
      PlatformPackager: { prototype: { generateFuseConfig(f: object): Promise<Record<string, unknown>> } };
    };
    const { FuseV1Options, FuseVersion } = require('@electron/fuses') as {
      FuseV1Options: Record<string, number>;
      FuseVersion: Record<string, string | number>;
    };
    expect(config.electronFuses).toBeDefined();
    const wire = await PlatformPackager.prototype.generateFuseConfig.call({}, config.electronFuses!);
    expect(wire['version']).toBe(FuseVersion['V1']);
    const fuse = (name: string) => wire[String(FuseV1Options[name])];
    expect(fuse('RunAsNode')).toBe(false);
    expect(fuse('EnableNodeOptionsEnvironmentVariable')).toBe(false);
    expect(fuse('EnableNodeCliInspectArguments')).toBe(false);
    expect(fuse('EnableCookieEncryption')).toBe(true);
    expect(fuse('OnlyLoadAppFromAsar')).toBe(true);
    expect(fuse('EnableEmbeddedAsarIntegrityValidation')).toBe(true);
    // The renderer comes from app://, never file://, so file:// needs no extra privileges.
    expect(fuse('GrantFileProtocolExtraPrivileges')).toBe(false);
  });

  it('keeps the app in an asar archive, which the asar-only fuses depend on', () => {
    expect((config as { asar?: unknown }).asar).toBe(true);
  });
});
