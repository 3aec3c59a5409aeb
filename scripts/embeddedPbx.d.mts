/** Types of scripts/embeddedPbx.mjs for the TypeScript that imports it (the e2e Kamailio helper). */
export const PBX_CONFIG: string;
export const PBX_DOMAIN: string;
export const PBX_PACKAGES: string;
export function pbxMissing(): { package: string; reason: string } | null;
export function renderPbxConfig(values: {
  port: number;
  secret: string;
  tlsPort?: number;
  tlsCfg?: string;
  evapiPort?: number;
}): string;
export function sipPassword(user: string, secret: string): string;
