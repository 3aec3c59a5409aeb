import { app, session, shell, type WebContents } from 'electron';
import { parseDialLink } from '../../shared/dialLink';
import type { Logger } from '../base/logger';
import { isAppUrl, isPermissionAllowed, isPermissionCheckAllowed } from '../security/policy';

/**
 * Applies the window-independent guards: navigation and window.open stay inside the app,
 * dial links opened from the page go to the dialer, and only the microphone may be granted.
 */
export function applyHardening(log: Logger, onDial: (link: string) => void): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((wc, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    const ok = isPermissionAllowed({
      permission,
      requestingUrl: details.requestingUrl ?? wc.getURL(),
      mediaTypes,
    });
    if (!ok) log.warn({ permission, url: details.requestingUrl }, 'permission denied');
    callback(ok);
  });
  ses.setPermissionCheckHandler((_wc, permission, requestingOrigin) =>
    isPermissionCheckAllowed(permission, requestingOrigin),
  );

  app.on('web-contents-created', (_e, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) {
        event.preventDefault();
        log.warn({ url }, 'navigation blocked');
      }
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      if (parseDialLink(url)) onDial(url);
      else if (/^https:\/\//i.test(url)) void shell.openExternal(url);
      else log.warn({ url }, 'window.open blocked');
      return { action: 'deny' };
    });
  });
}
