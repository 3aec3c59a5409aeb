import { expect, startHost, stopHost, test } from './fixtures';
import { expectMyStatus, myStatus, setMyStatus } from './support/agentStatus';

test.describe('shell through the browser host', () => {
  test('loads, answers through the app API, and switches language to 简体中文 and back', async ({
    page,
    host,
  }) => {
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(host.url);
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
    await expect(page.getByRole('status', { name: 'Connection to the app' })).toHaveText('Connected');
    // The secret is taken out of the address bar once read.
    expect(page.url()).not.toContain(host.secret);

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
    // A real request through the app API: version and platform come from the host process.
    await expect(page.getByTestId('app-version')).toHaveText('0.1.0');
    await expect(page.getByTestId('app-platform')).toHaveText(`${process.platform} ${process.arch}`);
    await expect(page.getByText(/Browser host \(Node \d+/)).toBeVisible();
    // Updates: the installed version, and why the browser host does not self-update.
    await expect(page.getByRole('heading', { name: 'Updates' })).toBeVisible();
    await expect(page.getByTestId('update-current')).toHaveText('0.1.0');
    await expect(page.getByText('The browser host is updated with the server it runs on.')).toBeVisible();

    await page.getByLabel('Language').selectOption({ label: '简体中文' });
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await expect(page.getByRole('button', { name: '收件箱' })).toBeVisible();
    await expect(page.getByRole('heading', { name: '设置', level: 1 })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');

    await page.getByLabel('语言').selectOption({ label: 'English' });
    await expect(page.getByRole('button', { name: 'Inbox' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    expect(cspViolations).toEqual([]);
  });

  test('remembers the language and theme across a restart of the host', async ({ page }) => {
    const first = await startHost();
    await page.goto(first.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Language').selectOption({ label: '繁體中文' });
    await page.getByLabel('主題').selectOption({ label: '深色' });
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await stopHost(first, true);

    const second = await startHost(first.dataDir);
    try {
      const fresh = await page.context().browser()!.newContext();
      const p2 = await fresh.newPage();
      await p2.goto(second.url);
      await expect(p2.getByRole('button', { name: '收件匣' })).toBeVisible();
      await expect(p2.locator('html')).toHaveAttribute('data-theme', 'dark');
      await fresh.close();
    } finally {
      await stopHost(second);
    }
  });

  test('moves between places by keyboard', async ({ page, host }) => {
    await page.goto(host.url);
    await expect(page.getByRole('status', { name: 'Connection to the app' })).toHaveText('Connected');
    await page.keyboard.press('Alt+2');
    await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeFocused();
    await page.keyboard.press('Alt+5');
    await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeFocused();
    // Arrow keys move focus along the navigation; Enter opens.
    await page.getByRole('button', { name: 'Inbox' }).focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.getByRole('button', { name: 'Phone' })).toBeFocused();
    await page.keyboard.press('End');
    await expect(page.getByRole('button', { name: 'Settings' })).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    // Signed out, the places that show the agent's data ask to sign in first.
    await expect(page.getByRole('heading', { name: 'Sign in', level: 1 })).toBeFocused();
    await expect(page.getByRole('button', { name: 'Supervisor', exact: true })).toHaveAttribute(
      'aria-current',
      'page',
    );
  });

  test('agent status changes through the API and a tel: link fills the dialer', async ({ page, host }) => {
    await page.goto(`${host.origin}/?dial=${encodeURIComponent('tel:+86 10 6552-9988')}#k=${host.secret}`);
    await expect(page.getByRole('heading', { name: 'Phone', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Number to call')).toHaveValue('+861065529988');
    await expect(myStatus(page)).toBeEnabled();
    await setMyStatus(page, 'available');
    await expectMyStatus(page, 'available');
    await page.reload();
    await expectMyStatus(page, 'available');
  });
});
