import { test, expect } from './fixtures';
import { request as http } from '@playwright/test';

const SLUG = 'halcyon-atlas-3-release';
/** `comments.thread_page_size` in Leptos.toml. */
const PAGE_SIZE = 50;

test('a long thread opens on its newest comments and brings older ones in', async ({ page, hydrated, jsEnabled, baseURL }, info) => {
  const stamp = Date.now().toString(36);
  const run = `${info.project.name} ${stamp}`;
  // One more comment than a page holds, each from a reader of its own.
  for (let i = 0; i <= PAGE_SIZE; i++) {
    const reader = await http.newContext({ baseURL });
    const posted = await reader.post('/api/post_comment', {
      form: { slug: SLUG, name: 'Quinn', body: `Thread ${run} number ${i}.`, key: `thread-${info.project.name}-${stamp}-${i}` },
    });
    expect(posted.ok(), await posted.text()).toBeTruthy();
    await reader.dispose();
  }
  const oldest = `Thread ${run} number 0.`;
  const newest = `Thread ${run} number ${PAGE_SIZE}.`;

  await page.goto(`/pulse/${SLUG}`);
  await hydrated(page);
  const comments = page.getByRole('region', { name: 'Comments' });
  const shown = comments.getByRole('article');
  await expect(comments.getByText(newest)).toBeVisible();
  await expect(comments.getByText(oldest)).toHaveCount(0);
  const before = await shown.count();
  expect(before).toBeLessThanOrEqual(PAGE_SIZE);

  // The other project pages through the same thread at the same time: older pages may be
  // more than one away, so keep asking until the first comment of this run is in.
  const older = comments.getByRole('link', { name: 'Older comments' });
  for (let asked = 0; (await comments.getByText(oldest).count()) === 0; asked++) {
    expect(asked, 'the oldest comment is a few pages back at most').toBeLessThan(6);
    const count = await shown.count();
    const was = page.url();
    await older.click();
    if (jsEnabled) await expect.poll(() => shown.count()).toBeGreaterThan(count);
    else {
      await expect(page).not.toHaveURL(was);
      await expect(page).toHaveURL(/\?comments_before=\d+#comments$/);
      await page.waitForLoadState();
    }
  }
  await expect(comments.getByText(oldest)).toBeVisible();
  if (jsEnabled) {
    // In place: the page stays where it was, older comments above the newer ones, and focus
    // on the first comment brought in.
    await expect(page).toHaveURL(new RegExp(`/pulse/${SLUG}$`));
    await expect(comments.getByText(newest)).toBeVisible();
    await expect(page.locator(':focus')).toHaveAttribute('aria-label', /^Comment by /);
  } else {
    await expect(comments.getByText(newest)).toHaveCount(0);
    const newer = comments.getByRole('link', { name: 'Newer comments' });
    for (let asked = 0; (await comments.getByText(newest).count()) === 0; asked++) {
      expect(asked, 'the newest comment is a few pages on at most').toBeLessThan(6);
      const was = page.url();
      await newer.click();
      await expect(page).not.toHaveURL(was);
      await expect(page).toHaveURL(/\?comments_after=\d+#comments$/);
      await page.waitForLoadState();
    }
    await expect(comments.getByText(newest)).toBeVisible();
  }
});
