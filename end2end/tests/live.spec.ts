import { test, expect, openPage, postComment, reactSeenBy, reactionButton as button, reactionCount as count } from './fixtures';

// A brief no other spec reacts to, so counts here move only because of this test.
const BRIEF = '/pulse/meridian-chorus-voice-model';

test('a reaction in one browser reaches another open page within a second', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  await page.goto(BRIEF);
  await hydrated(page);

  const other = await browser.newContext();
  const watcher = await openPage(other, BRIEF, hydrated);
  const feedWatcher = await openPage(other, '/', hydrated);

  const before = await reactSeenBy(page, watcher, 'Skeptical');
  const card = feedWatcher.getByRole('article').filter({ has: feedWatcher.getByRole('link', { name: /Chorus/ }) });
  await expect(card).toContainText(`Skeptical ${before + 1}`, { timeout: 1_000 });

  await button(page, 'Skeptical').click();
  await expect(button(watcher, 'Skeptical')).toHaveText(new RegExp(` ${before}$`), { timeout: 1_000 });
  await other.close();
});

test('a page that was offline catches up on what it missed', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  const other = await browser.newContext();
  const watcher = await openPage(other, BRIEF, hydrated);
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

test('a comment posted in one browser waits behind a button in another open page', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  // A brief no other spec comments on.
  const brief = '/pulse/eu-incident-reporting-guidance';
  const other = await browser.newContext();
  const watcher = await openPage(other, brief, hydrated);
  const feedWatcher = await openPage(other, '/category/policy', hydrated);

  await page.goto(brief);
  await hydrated(page);
  const token = `Live comment ${Date.now().toString(36)}`;
  await postComment(page, 'Margaret', token);
  await expect(page.getByRole('article', { name: 'Comment by Margaret' }).filter({ hasText: token })).toBeVisible();

  // The watcher's page does not shift: the comment waits behind a button, then shows.
  const show = watcher.getByRole('button', { name: /1 new comment — show/ });
  await expect(show).toBeVisible({ timeout: 1_000 });
  await expect(watcher.getByText(token)).toHaveCount(0);
  await show.click();
  await expect(watcher.getByRole('article', { name: 'Comment by Margaret' }).filter({ hasText: token })).toBeVisible();
  await expect(show).toHaveCount(0);

  const card = feedWatcher.getByRole('article').filter({ has: feedWatcher.getByRole('link', { name: /EU AI Office/ }) });
  await expect(card.getByRole('link', { name: '1 comment' })).toBeVisible({ timeout: 1_000 });
  await other.close();
});

test('edits and deletions reach another open page in place', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  // A brief no other spec comments on.
  const brief = '/pulse/tallyho-eval-harness-launch';
  await page.goto(brief);
  await hydrated(page);
  const token = `Changing ${Date.now().toString(36)}`;
  await postComment(page, 'Hedy', `${token} first version`);
  const mine = page.getByRole('article', { name: 'Comment by Hedy' }).filter({ hasText: token });
  await expect(mine).toBeVisible();

  const other = await browser.newContext();
  const watcher = await openPage(other, brief, hydrated);
  const seen = watcher.getByRole('article', { name: 'Comment by Hedy' }).filter({ hasText: token });
  await expect(seen).toContainText('first version');

  await mine.getByRole('link', { name: 'Edit' }).click();
  await mine.getByRole('textbox', { name: 'Edit your comment' }).fill(`${token} second version`);
  await mine.getByRole('button', { name: 'Save changes' }).click();
  await expect(seen).toContainText('second version', { timeout: 1_000 });
  await expect(seen.getByText('edited', { exact: true })).toBeVisible();

  await mine.getByRole('link', { name: 'Delete' }).click();
  await mine.getByRole('button', { name: 'Delete comment' }).click();
  await expect(seen).toHaveCount(0, { timeout: 1_000 });
  await other.close();
});
