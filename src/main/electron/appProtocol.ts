import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_HOST, APP_SCHEME, contentSecurityPolicy, LOOPBACK_WS } from '../security/policy';
import { mimeType, resolveStaticPath } from '../security/staticFiles';

/** Must run before `app.ready`: makes `app://` a standard, secure origin. */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer at `app://switchboard/` with the CSP header. */
export function handleAppProtocol(rendererDir: string): void {
  // The softphone may reach a SIP server on this machine over plain ws (the demo's PBX).
  const csp = contentSecurityPolicy(LOOPBACK_WS);
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === APP_HOST ? resolveStaticPath(rendererDir, url.pathname) : null;
    if (!file) return new Response('Not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: {
          'content-type': mimeType(file),
          'content-security-policy': csp,
          'x-content-type-options': 'nosniff',
        },
      });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
