import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './jsonFile';

/** Settings IT pushes with the installer or a management tool, not the agent: `<dataDir>/managed.json`. */
const managedSchema = z
  .object({
    /** Base URL of the update feeds, e.g. `https://relay.example.com/updates`. */
    updateUrl: z.string().url().optional(),
    /** The group of agents this install belongs to: stable, beta, or a named group. */
    updateChannel: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
      .optional(),
    /** Install at the next idle moment without waiting for the agent (default true). */
    installWhenIdle: z.boolean().optional(),
  })
  .strict();
export type ManagedConfig = z.infer<typeof managedSchema>;

/** Reads the managed configuration; environment variables (SWITCHBOARD_UPDATE_URL, _CHANNEL) win. */
export function readManagedConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): ManagedConfig {
  const parsed = managedSchema.safeParse(readJsonFile(join(dataDir, 'managed.json')) ?? {});
  const base: ManagedConfig = parsed.success ? parsed.data : {};
  const url = env['SWITCHBOARD_UPDATE_URL'];
  const channel = env['SWITCHBOARD_UPDATE_CHANNEL'];
  return {
    ...base,
    ...(url ? { updateUrl: url } : {}),
    ...(channel ? { updateChannel: channel } : {}),
  };
}

/** A stable random id for this install (staged rollouts), created on first use. */
export function installId(dataDir: string): string {
  const file = join(dataDir, 'install-id');
  try {
    const id = readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{36}$/.test(id)) return id;
  } catch {
    // first run
  }
  const id = randomUUID();
  writeFileSync(file, id, { mode: 0o600 });
  return id;
}
