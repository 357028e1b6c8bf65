import { test, expect, openPage, postComment } from './fixtures';
import type { Page } from '@playwright/test';
import { mailedLink, mailTo } from './mail';

// Each project follows its own brief, so parallel runs never mail each other's comments.
const BRIEF: Record<string, string> = {
  'js-on': '/pulse/warpline-agent-framework-1-0',
  'js-off': '/pulse/tracewell-local-trace-viewer',
};

function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The "Follow this brief" box of the page. */
function followBox(page: Page) {
  return page.getByRole('region', { name: 'Follow this brief' });
}

/** Waits until a mail to `address` says `text`. */
async function mailSays(address: string, text: string) {
  await expect.poll(() => mailTo(address).some((mail) => mail.includes(text)), { timeout: 15_000 }).toBe(true);
}

test('a reader follows a brief by email, gets its new comments, and stops with one click', async ({ page, browser, hydrated, jsEnabled }, info) => {
  const brief = BRIEF[info.project.name];
  const address = `${unique(`follow-${info.project.name}`)}@example.com`;
  await page.goto(brief);
  await hydrated(page);
  const box = followBox(page);
  await box.getByLabel('Email address').fill(address);
  await box.getByRole('button', { name: 'Follow' }).click();
  const answer = /If this address does not follow this brief yet, we've sent it a link to confirm/;
  await expect(box.getByRole('status')).toHaveText(answer);
  if (!jsEnabled) await expect(page).toHaveURL(/\?follow=sent#follow$/);

  // The mailed link shows a button; the button confirms.
  await page.goto(await mailedLink(address, '/follow/confirm'));
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Confirm to follow' })).toBeVisible();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: "You're following" })).toBeVisible();

  // Someone else comments: the follower gets it by mail.
  const other = await browser.newContext({ javaScriptEnabled: jsEnabled });
  const theirs = await openPage(other, brief, hydrated);
  const words = unique('Worth following');
  await postComment(theirs, 'Grace', words);
  // Stored, not just shown as pending: closing the browser earlier could cancel the post.
  await expect(theirs.getByRole('article', { name: 'Comment by Grace' }).filter({ hasText: words })).toBeVisible();
  await other.close();
  await mailSays(address, words);

  // The mail's stop link asks first, then stops for good.
  await page.goto(await mailedLink(address, '/follow/stop'));
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Stop these mails?' })).toBeVisible();
  await page.getByRole('button', { name: 'Stop following' }).click();
  await expect(page.getByRole('heading', { name: "You're no longer following" })).toBeVisible();
});

test('a commenter asks for replies by email and is told of new ones on the page', async ({ page, browser, hydrated, jsEnabled }, info) => {
  const brief = BRIEF[info.project.name];
  const address = `${unique(`replies-${info.project.name}`)}@example.com`;
  await page.goto(brief);
  await hydrated(page);
  const form = page.locator('#comment-form');
  const mine = unique('Tell me when someone answers');
  await form.getByLabel('Email me when someone replies (optional)').fill(address);
  await postComment(page, 'Ada', mine);
  const comments = page.getByRole('region', { name: 'Comments' });
  const article = comments.getByRole('article', { name: 'Comment by Ada' }).filter({ hasText: mine });
  await expect(article).toBeVisible();
  const replyHref = await article.getByRole('link', { name: 'Reply' }).getAttribute('href');

  await page.goto(await mailedLink(address, '/follow/confirm'));
  await hydrated(page);
  await expect(page.getByText('replies to your comments')).toBeVisible();
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByRole('heading', { name: "You're following" })).toBeVisible();

  // Another reader answers.
  const other = await browser.newContext({ javaScriptEnabled: jsEnabled });
  const theirs = await openPage(other, `${brief}${replyHref}`, hydrated);
  const answer = unique('An answer for Ada');
  await postComment(theirs, 'Bob', answer);
  await expect(theirs.getByRole('article', { name: 'Comment by Bob' }).filter({ hasText: answer })).toBeVisible();
  await other.close();
  await mailSays(address, answer);

  if (!jsEnabled) return; // "since your last visit" is the browser's memory of visits
  // Ada comes back after a while away: the page tells her of the reply, and links to it.
  await page.goto(brief);
  await page.evaluate(() => localStorage.setItem('pulse.lastSeen', String(Math.floor(Date.now() / 1000) - 2 * 3600)));
  await page.reload();
  await hydrated(page);
  const note = page.getByRole('navigation', { name: /1 reply to you since your last visit/ });
  await expect(note).toBeVisible();
  await note.getByRole('link', { name: 'Bob replied' }).click();
  await expect(page).toHaveURL(/#comment-\d+$/);
});
