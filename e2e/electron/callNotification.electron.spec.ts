import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectron } from '../../scripts/electronRuntime.mjs';

// A call reaches an agent whose window is hidden: while the softphone reports a ringing call, main
// shows a notification with Answer and Decline; choosing Answer reaches the softphone in the page.
// Only where an Electron runtime exists (the notification's text is unit-tested in
// src/main/services/notificationText.test.ts).
const runtime = findElectron();
const reason = 'missing' in runtime ? `no Electron runtime: ${runtime.missing}` : '';

type Bridge = {
  invoke: (c: string, a?: unknown) => Promise<unknown>;
  on: (e: string, f: (p: unknown) => void) => () => void;
};

test.describe('ringing call notification in the Electron app', () => {
  test.beforeAll(() => {
    if (reason) console.log(`electron call notification spec skipped: ${reason}`);
  });

  test('a ringing call raises a notification with Answer and Decline; Answer reaches the softphone', async () => {
    test.skip(!!reason, reason);
    const app = await electron.launch({
      executablePath: (runtime as { path: string }).path,
      args: ['.'],
      env: { ...process.env, SWITCHBOARD_USER_DATA: mkdtempSync(join(tmpdir(), 'sb-electron-')) },
    });
    try {
      const page = await app.firstWindow();
      // Records notifications instead of drawing them (the OS's notification server is not ours).
      const supported = await app.evaluate(({ Notification }) => {
        const g = globalThis as unknown as { shown: { title: string; body: string; actions: unknown[] }[] };
        g.shown = [];
        Notification.prototype.show = function (this: Electron.Notification) {
          g.shown.push({ title: this.title, body: this.body, actions: this.actions });
          this.emit('action', {}, 0);
        };
        return Notification.isSupported();
      });
      test.skip(!supported, 'this desktop has no notification support');
      await page.evaluate(() => {
        const w = globalThis as unknown as { switchboard: Bridge; actions: unknown[] };
        w.actions = [];
        w.switchboard.on('phone:callAction', (p) => w.actions.push(p));
      });
      await page.evaluate(() =>
        (globalThis as unknown as { switchboard: Bridge }).switchboard.invoke('phone:setRinging', {
          calls: [{ callId: 'call-1', caller: '+8613800000000', customerName: 'Wang Fang' }],
        }),
      );
      await expect
        .poll(() => app.evaluate(() => (globalThis as unknown as { shown: unknown[] }).shown))
        .toEqual([
          {
            title: 'Switchboard: incoming call',
            body: 'Wang Fang (+8613800000000)',
            actions: [
              { type: 'button', text: 'Answer' },
              { type: 'button', text: 'Decline' },
            ],
          },
        ]);
      await expect
        .poll(() => page.evaluate(() => (globalThis as unknown as { actions: unknown[] }).actions))
        .toEqual([{ callId: 'call-1', action: 'answer' }]);
    } finally {
      await app.close();
    }
  });
});
