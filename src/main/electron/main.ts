// Electron main process: wiring only. Services live in ../services and run without Electron.
import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';
import { DIAL_SCHEMES, findDialLinkInArgv, parseDialLink } from '../../shared/dialLink';
import { bootAppCore, resumeFromEnvironment } from '../boot';
import { APP_VERSION } from '../base/buildInfo';
import { APP_ORIGIN } from '../security/policy';
import { handleAppProtocol, registerAppSchemePrivileges } from './appProtocol';
import { applyHardening } from './hardening';
import { registerIpc } from './ipc';
import { notifyMentions } from './mentionNotifications';
import { notifyRingingCalls } from './callNotifications';
import { notifyOffers } from './offerNotifications';
import { createAgentTray } from './tray';
import { startUpdater } from './updater';

const distDir = join(__dirname, '..');
const resourcesDir = app.isPackaged
  ? join(process.resourcesPath, 'resources')
  : join(distDir, '..', 'resources');

if (process.env['SWITCHBOARD_USER_DATA']) app.setPath('userData', process.env['SWITCHBOARD_USER_DATA']);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppSchemePrivileges();
  void start();
}

async function start(): Promise<void> {
  const dataDir = app.getPath('userData');
  const core = bootAppCore({
    dataDir,
    host: 'electron',
    runtime: `Electron ${process.versions.electron}`,
    logName: 'main',
  });
  const { services, dispatch, log } = core;
  void resumeFromEnvironment(core).then((note) => log.info(note));
  app.on('before-quit', () => void services.session.close());
  let win: BrowserWindow | null = null;
  let pendingDial = findDialLinkInArgv(process.argv);

  const dial = (link: string) => {
    const req = parseDialLink(link);
    if (!req) return log.warn({ link: link.slice(0, 80) }, 'ignored malformed dial link');
    if (win && !win.webContents.isLoading()) services.events.emit('phone:dialRequested', req);
    else pendingDial = req;
    showWindow();
  };
  const showWindow = () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  };

  for (const scheme of DIAL_SCHEMES) {
    if (!app.isDefaultProtocolClient(scheme)) app.setAsDefaultProtocolClient(scheme);
  }
  app.on('second-instance', (_e, argv) => {
    const req = findDialLinkInArgv(argv);
    if (req) services.events.emit('phone:dialRequested', req);
    showWindow();
  });
  app.on('open-url', (e, url) => {
    e.preventDefault();
    dial(url);
  });

  await app.whenReady();
  applyHardening(log, dial);
  handleAppProtocol(join(distDir, 'renderer'));
  registerIpc(dispatch, services, () => win?.webContents ?? null);

  win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Switchboard',
    webPreferences: {
      preload: join(distDir, 'preload', 'preload.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win?.show());
  win.webContents.once('did-finish-load', () => {
    if (pendingDial) services.events.emit('phone:dialRequested', pendingDial);
    pendingDial = null;
  });
  win.on('closed', () => (win = null));
  createAgentTray(resourcesDir, services, showWindow);
  notifyOffers(services, showWindow);
  notifyRingingCalls(services, showWindow);
  notifyMentions(services, showWindow);
  await win.loadURL(`${APP_ORIGIN}/index.html`);
  log.info({ version: APP_VERSION }, 'window loaded');
  startUpdater({ services, log, dataDir, resourcesDir, version: APP_VERSION });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
