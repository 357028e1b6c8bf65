import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';

// A brief no other spec reacts to, so counts here move only because of this test.
const BRIEF = '/pulse/meridian-chorus-voice-model';

function button(page: Page, label: string) {
  return page.getByRole('region', { name: 'React' }).getByRole('button', { name: new RegExp(`^${label} \\d+$`) });
}

async function count(page: Page, label: string): Promise<number> {
  const text = (await button(page, label).textContent()) ?? '';
  return Number(text.trim().split(' ').pop());
}

test('a reaction in one browser reaches another open page within a second', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  await page.goto(BRIEF);
  await hydrated(page);

  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto(BRIEF);
  await hydrated(watcher);
  const feedWatcher = await other.newPage();
  await feedWatcher.goto('/');
  await hydrated(feedWatcher);

  const before = await count(watcher, 'Skeptical');
  await button(page, 'Skeptical').click();
  await expect(button(page, 'Skeptical')).toHaveText(new RegExp(` ${before + 1}$`));

  // No reload: the count arrives by itself.
  await expect(button(watcher, 'Skeptical')).toHaveText(new RegExp(` ${before + 1}$`), { timeout: 1_000 });
  await expect(button(watcher, 'Skeptical')).toHaveAttribute('aria-pressed', 'false');
  const card = feedWatcher.getByRole('article').filter({ has: feedWatcher.getByRole('link', { name: /Chorus/ }) });
  await expect(card).toContainText(`Skeptical ${before + 1}`, { timeout: 1_000 });

  await button(page, 'Skeptical').click();
  await expect(button(watcher, 'Skeptical')).toHaveText(new RegExp(` ${before}$`), { timeout: 1_000 });
  await other.close();
});

test('a page that was offline catches up on what it missed', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  const other = await browser.newContext();
  const watcher = await other.newPage();
  await watcher.goto(BRIEF);
  await hydrated(watcher);
  const before = await count(watcher, 'Worrying');

  await other.setOffline(true);
  await expect(watcher.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({ timeout: 10_000 });

  await page.goto(BRIEF);
  await hydrated(page);
  await button(page, 'Worrying').click();
  await expect(button(page, 'Worrying')).toHaveText(new RegExp(` ${before + 1}$`));

  await other.setOffline(false);
  await expect(button(watcher, 'Worrying')).toHaveText(new RegExp(` ${before + 1}$`), { timeout: 15_000 });
  await expect(watcher.getByRole('status').filter({ hasText: 'Live again' })).toBeVisible();
  await other.close();
});
