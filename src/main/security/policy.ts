// Security policy as pure functions, shared by the Electron main process and the browser host
// and tested under plain Node. Nothing here imports Electron.

/** The origin the Electron renderer is served from (custom privileged scheme). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Plain-ws sources the renderer may reach besides wss: only this machine (a SIP server on
 * loopback, such as the demo's embedded PBX), as the phone account's own rule allows.
 */
export const LOOPBACK_WS = ['ws://127.0.0.1:*', 'ws://localhost:*'] as const;

/**
 * The Content-Security-Policy of the renderer. `connectExtra` adds the sources the renderer may
 * open sockets to beyond its own origin (the relay and the SIP server, over wss in production).
 */
export function contentSecurityPolicy(connectExtra: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "font-src 'self'",
    ['connect-src', "'self'", 'wss:', ...connectExtra].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "worker-src 'self'",
  ].join('; ');
}

/** True when `url` belongs to the app itself (navigation elsewhere is denied). */
export function isAppUrl(url: string, appOrigin: string = APP_ORIGIN): boolean {
  try {
    // Compare scheme, host and port: WHATWG URL gives custom schemes an opaque origin ("null"),
    // which would make every app:// URL, and every other opaque one, look equal.
    const a = new URL(url);
    const b = new URL(appOrigin);
    return a.protocol === b.protocol && a.host === b.host && a.host !== '';
  } catch {
    return false;
  }
}

export type PermissionRequest = {
  permission: string;
  requestingUrl: string;
  /** Electron's `details.mediaTypes` for `media` requests. */
  mediaTypes?: readonly string[];
};

/**
 * Only the microphone, and only for the app's own pages. Cameras, screens, notifications
 * from other origins, geolocation and the rest are refused.
 */
export function isPermissionAllowed(req: PermissionRequest, appOrigin: string = APP_ORIGIN): boolean {
  if (!isAppUrl(req.requestingUrl, appOrigin)) return false;
  if (req.permission !== 'media') return false;
  const types = req.mediaTypes ?? [];
  return types.length > 0 && types.every((t) => t === 'audio');
}

/** Permission checks (synchronous queries) follow the same rule, without media types. */
export function isPermissionCheckAllowed(
  permission: string,
  requestingOrigin: string,
  appOrigin = APP_ORIGIN,
) {
  return isAppUrl(requestingOrigin, appOrigin) && permission === 'media';
}
