import { test, expect } from './fixtures';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { mailedLink } from './mail';

function confirmationLink(address: string): Promise<string> {
  return mailedLink(address, '/newsletter/confirm');
}

/** The newsletter sign-up box of the page. */
function newsletterBox(page: Page) {
  return page.getByRole('region', { name: 'Get the weekly AI digest — every Thursday' });
}

/** Subscribes `address` through the page's sign-up box, and returns the box. */
async function subscribe(page: Page, address: string) {
  const box = newsletterBox(page);
  await box.getByLabel('Email address').fill(address);
  await box.getByRole('button', { name: 'Subscribe' }).click();
  return box;
}

test('a reader subscribes from a brief and confirms from the email', async ({ page, hydrated, jsEnabled }, info) => {
  const address = `reader-${info.project.name}-${Date.now().toString(36)}@example.com`;
  await page.goto('/pulse/kestrel-7b-open-weights');
  await hydrated(page);
  const box = await subscribe(page, address);
  const answer = /If this address isn't subscribed yet, we've sent it a link to confirm/;
  if (jsEnabled) {
    await expect(box.getByRole('status')).toHaveText(answer);
    await expect(page).toHaveURL(/\/pulse\/kestrel-7b-open-weights$/);
  } else {
    await expect(page).toHaveURL(/\/newsletter\?sent=1$/);
    await expect(page.getByRole('status').filter({ hasText: answer })).toBeVisible();
  }

  const link = await confirmationLink(address);
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Confirm your subscription' })).toBeVisible();
  await page.getByRole('button', { name: 'Confirm my subscription' }).click();
  await expect(page.getByRole('heading', { name: "You're subscribed" })).toBeVisible();

  // The link is spent: it now offers a new one.
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await expect(page.getByText('This confirmation link was already used.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Subscribe' })).toBeVisible();
});

test('the box is on the feed, and a bad address gets a message beside the field', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, "without JavaScript the browser's own email check runs first");
  await page.goto('/');
  await hydrated(page);
  const box = newsletterBox(page);
  const field = box.getByLabel('Email address');
  // The browser accepts "a@b"; the server wants a real domain.
  await field.fill('a@b');
  await box.getByRole('button', { name: 'Subscribe' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(/Please enter an email address like name@example.com/);
});

test('an unsubscribe link only shows a button', async ({ page, hydrated }) => {
  await page.goto('/newsletter/unsubscribe?token=1.forged');
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Unsubscribe from the weekly digest?' })).toBeVisible();
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  // A tampered token is refused, with a page that says so.
  await expect(page.getByRole('heading', { name: 'This link is not valid' })).toBeVisible();
});

test('the digest archive lists each issue and shows it whole', async ({ page, hydrated }) => {
  // Send the week-48 issue of the demo content, as the schedule would have on Thursday
  // 26 Nov 2026 at 09:00 (sending it again, from the other project, adds nothing).
  const root = join(__dirname, '..', '..');
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  const out = execFileSync(join(target, 'release', 'pulse'), ['digest', 'send', '--at', '2026-11-26T09:00:00Z'], {
    cwd: root,
    env: process.env,
    encoding: 'utf8',
  });
  expect(out).toContain('2026-w48');

  await page.goto('/');
  await hydrated(page);
  await page.getByRole('navigation', { name: 'More from Pulse' }).getByRole('link', { name: 'Weekly digest archive' }).click();
  await expect(page).toHaveURL(/\/digest$/);
  await expect(page.getByRole('heading', { name: 'The weekly AI digest', level: 1 })).toBeVisible();
  const issues = page.getByRole('list', { name: 'Digest issues' });
  await issues.getByRole('link', { name: /week 48, 2026/ }).click();
  await expect(page).toHaveURL(/\/digest\/2026-w48$/);
  await expect(page.getByRole('heading', { name: /week 48, 2026/, level: 1 })).toBeVisible();
  const item = page.getByRole('region', { name: /Kestrel-7B ships open weights/ });
  await expect(item.getByRole('heading', { name: "Pulse's Take" })).toBeVisible();
  await item.getByRole('link', { name: 'Read the brief' }).click();
  await expect(page).toHaveURL(/\/pulse\/kestrel-7b-open-weights$/);
});

test('a subscriber gets a link to their data by email, reads it and deletes the address', async ({ page, hydrated }, info) => {
  const address = `data-${info.project.name}-${Date.now().toString(36)}@example.com`;
  // Subscribed first (and confirmed), through the pages.
  await page.goto('/newsletter');
  await hydrated(page);
  await subscribe(page, address);
  await page.goto(await confirmationLink(address));
  await hydrated(page);
  await page.getByRole('button', { name: 'Confirm my subscription' }).click();
  await expect(page.getByRole('heading', { name: "You're subscribed" })).toBeVisible();

  await page.goto('/newsletter');
  await hydrated(page);
  await page.getByRole('link', { name: 'See, download or delete what we keep about your address' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your newsletter data' })).toBeVisible();
  await page.getByRole('main').getByLabel('Email address').fill(address);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'If that address is on the list' })).toBeVisible();

  const link = await mailedLink(address, '/newsletter/my-data');
  await page.goto(link);
  await hydrated(page);
  await expect(page.getByRole('definition').filter({ hasText: address })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'subscribed' }).first()).toBeVisible();
  await expect(page.getByRole('link', { name: 'Download all of it (JSON)' })).toHaveAttribute('href', /\/newsletter\/my-data\.json\?token=/);

  await page.getByRole('checkbox', { name: /Yes, delete this address/ }).check();
  await page.getByRole('button', { name: 'Delete my address' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Deleted: the address' })).toBeVisible();
  // The link goes with the address.
  const res = await page.goto(link);
  expect(res?.status()).toBe(404);
});
