import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findElectron } from '../../scripts/electronRuntime.mjs';

// The same journey as e2e/shell.spec.ts, through Electron IPC instead of the browser host.
const runtime = findElectron();
const reason = 'missing' in runtime ? `no Electron runtime: ${runtime.missing}` : '';

test.describe('shell in the Electron app', () => {
  test.beforeAll(() => {
    if (reason) console.log(`electron specs skipped: ${reason}`);
  });

  test('loads, answers through IPC, and switches language to 简体中文 and back', async () => {
    test.skip(!!reason, reason);
    const app = await electron.launch({
      executablePath: (runtime as { path: string }).path,
      args: ['.'],
      env: { ...process.env, SWITCHBOARD_USER_DATA: mkdtempSync(join(tmpdir(), 'sb-electron-')) },
    });
    try {
      const page = await app.firstWindow();
      // Hardened window: no Node in the page, the typed bridge only.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
        'undefined',
      );
      expect(
        await page.evaluate(() =>
          Object.keys((globalThis as unknown as { switchboard: object }).switchboard),
        ),
      ).toEqual(['invoke', 'on']);
      const unknown = await page.evaluate(() =>
        (
          globalThis as unknown as { switchboard: { invoke: (c: string) => Promise<unknown> } }
        ).switchboard.invoke('fs:read'),
      );
      expect(unknown).toMatchObject({ ok: false, error: { code: 'API_ERR_UNKNOWN_CHANNEL' } });

      await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
      await page.getByRole('button', { name: 'Settings' }).click();
      await expect(page.getByTestId('app-version')).toHaveText('0.1.0');
      await expect(page.getByText(/Desktop app \(Electron/)).toBeVisible();
      await page.getByLabel('Language').selectOption({ label: '简体中文' });
      await expect(page.getByRole('button', { name: '收件箱' })).toBeVisible();
      await page.getByLabel('语言').selectOption({ label: 'English' });
      await expect(page.getByRole('button', { name: 'Inbox' })).toBeVisible();
    } finally {
      await app.close();
    }
  });
});
