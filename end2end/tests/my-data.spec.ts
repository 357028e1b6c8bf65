// "Your data": a reader finds everything tied to their browser, takes it as JSON, and
// deletes it — with JavaScript on or off.
import { readFileSync } from 'node:fs';
import { test, expect, postComment } from './fixtures';

test('a reader reviews, downloads and deletes their data', async ({ page, hydrated }) => {
  const brief = '/pulse/distilled-small-models-tool-use';
  await page.goto(brief);
  await hydrated(page);
  const words = `Kept for my records ${Date.now().toString(36)}`;
  await postComment(page, 'Radia', words);
  await expect(page.getByRole('article', { name: 'Comment by Radia' }).filter({ hasText: words })).toBeVisible();

  await page.getByRole('contentinfo').getByRole('link', { name: 'Your data' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your data' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Your comments (1)' })).toBeVisible();
  await expect(page.getByText(words)).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download all of it (JSON)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('pulse-my-data.json');
  const file = await download.path();
  const data = JSON.parse(readFileSync(file, 'utf8'));
  expect(data.comments.map((c: { body: string }) => c.body)).toEqual([words]);

  await page.getByRole('checkbox', { name: /Yes, delete all of it/ }).check();
  await page.getByRole('button', { name: 'Delete everything' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted 1 comment' })).toBeVisible();
  await expect(page.getByText('Nothing is stored about this browser.')).toBeVisible();

  await page.goto(brief);
  await hydrated(page);
  await expect(page.getByText(words)).toHaveCount(0);
});
