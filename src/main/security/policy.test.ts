import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  contentSecurityPolicy,
  isAppUrl,
  LOOPBACK_WS,
  isPermissionAllowed,
  isPermissionCheckAllowed,
} from './policy';

describe('main/security/policy', () => {
  it('knows the app origin from everything else', () => {
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://switchboard.example/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('grants the microphone to the app only, and nothing else', () => {
    const app = `${APP_ORIGIN}/index.html`;
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: app, mediaTypes: ['audio'] })).toBe(
      true,
    );
    expect(
      isPermissionAllowed({ permission: 'media', requestingUrl: app, mediaTypes: ['audio', 'video'] }),
    ).toBe(false);
    expect(isPermissionAllowed({ permission: 'media', requestingUrl: app, mediaTypes: [] })).toBe(false);
    expect(isPermissionAllowed({ permission: 'geolocation', requestingUrl: app })).toBe(false);
    expect(isPermissionAllowed({ permission: 'notifications', requestingUrl: 'https://evil.example' })).toBe(
      false,
    );
    expect(
      isPermissionAllowed({
        permission: 'media',
        requestingUrl: 'https://evil.example/',
        mediaTypes: ['audio'],
      }),
    ).toBe(false);
    expect(isPermissionCheckAllowed('media', APP_ORIGIN)).toBe(true);
    expect(isPermissionCheckAllowed('media', 'https://evil.example')).toBe(false);
  });

  it('has a CSP without inline script or eval', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it('lets the softphone reach plain ws on this machine only (a local SIP server), wss anywhere', () => {
    const connect = contentSecurityPolicy(LOOPBACK_WS)
      .split('; ')
      .find((d) => d.startsWith('connect-src'))!;
    expect(connect.split(' ').sort()).toEqual(
      ["'self'", 'connect-src', 'wss:', 'ws://127.0.0.1:*', 'ws://localhost:*'].sort(),
    );
  });
});
