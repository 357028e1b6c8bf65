import { test, expect, openPage } from './fixtures';
import type { Page } from '@playwright/test';

// global-setup.ts creates this editor with `pulse user add` before the suite starts.
const EMAIL = process.env.PULSE_E2E_EDITOR_EMAIL ?? 'eddie@pulse.test';
const PASSWORD = process.env.PULSE_E2E_EDITOR_PASSWORD ?? '';

async function signIn(page: Page, next: string, hydrated: (page: Page) => Promise<void>) {
  expect(PASSWORD, 'global-setup.ts creates the editor when PULSE_E2E_BIN names the pulse binary').not.toBe('');
  await page.goto(`/desk/login?next=${encodeURIComponent(next)}`);
  await hydrated(page);
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an editor writes a brief with a preview, schedules it, sees it go live on an open feed and corrects it', async ({ page, browser, hydrated, jsEnabled }, info) => {
  test.setTimeout(60_000);
  const tag = `${info.project.name}-${Date.now().toString(36)}`;
  const slug = `desk-e2e-${tag}`;
  const title = `Desk brief ${tag}`;

  // A reader has the front page open before the brief exists.
  const readerContext = await browser.newContext({ javaScriptEnabled: jsEnabled });
  const reader = await openPage(readerContext, '/', hydrated);
  await expect(reader.getByRole('link', { name: title })).toHaveCount(0);

  await signIn(page, '/desk/new', hydrated);
  await expect(page.getByRole('heading', { name: 'Draft', level: 1 })).toBeVisible();
  await hydrated(page);
  const form = page.getByRole('form', { name: 'Brief' });
  await form.getByLabel('Title', { exact: true }).fill(title);
  await form.getByLabel('Slug', { exact: true }).fill(slug);
  await form.getByLabel('Category', { exact: true }).selectOption({ label: 'Tools' });
  // The rest of the fields, by label, in the order an editor fills them.
  const fields: [label: string, value: string][] = [
    ['Tags', 'agents, evals'],
    ['Summary', 'Written, previewed and scheduled in a browser test.'],
    ['Source name', 'Pulse Lab'],
    ['Source address', 'https://lab.pulse.example/e2e'],
    ['What Happened', 'An editor wrote this on the desk.'],
    ['Take', 'The desk works *end to end*.'],
    ['What To Do', 'Read it on the feed.'],
    ['Who', 'Editors'],
    ['What changes', 'Everything is written in the browser'],
    ['When', 'Now'],
    ['Watch for', 'The correction note'],
    ['What Skeptics Say', 'Tests are not readers.'],
  ];
  for (const [label, value] of fields) await form.getByLabel(label, { exact: true }).fill(value);

  // The preview follows the form with JavaScript; without it, after a save.
  if (!jsEnabled) {
    await form.getByRole('button', { name: 'Save draft' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Draft saved.' })).toBeVisible();
  }
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await expect(preview.getByRole('emphasis')).toHaveText('end to end');

  // Scheduled a few seconds ahead (the field is read as UTC); the schedule publishes it.
  const at = new Date(Date.now() + 8_000).toISOString().slice(0, 19);
  await page.getByLabel('Publish at (UTC)').fill(at);
  await page.getByRole('button', { name: 'Schedule' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Scheduled for' }).first()).toBeVisible();

  if (jsEnabled) {
    // The open feed offers it by itself.
    const offer = reader.getByRole('button', { name: /new briefs? — show/ });
    await expect(offer).toBeVisible({ timeout: 30_000 });
    await offer.click();
    await expect(reader.getByRole('link', { name: title })).toBeVisible();
  } else {
    await expect(async () => {
      await reader.reload();
      await expect(reader.getByRole('link', { name: title })).toBeVisible({ timeout: 1_000 });
    }).toPass({ timeout: 30_000 });
  }
  await readerContext.close();

  // A correction needs a note, and the page shows it under the title.
  await page.goto(`/desk/briefs/${slug}`);
  await expect(page.getByRole('button', { name: 'Unpublish' })).toBeVisible();
  await hydrated(page);
  await form.getByLabel('Take', { exact: true }).fill('The desk works *end to end*, corrections included.');
  await form.getByLabel('Correction note (shown under the title)').fill('Sharpened the take.');
  if (jsEnabled) {
    // Following a link with unsaved changes asks first; staying keeps them.
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Briefs' }).click();
    await expect.poll(() => asked).toContain('unsaved changes');
    await expect(page.getByRole('heading', { name: 'Edit brief', level: 1 })).toBeVisible();
    await expect(form.getByLabel('Correction note (shown under the title)')).toHaveValue('Sharpened the take.');
  }
  await form.getByRole('button', { name: 'Save correction' }).click();
  if (!jsEnabled) {
    await expect(page.getByRole('status').filter({ hasText: 'The correction note is on the brief' })).toBeVisible();
  }
  await expect(page.getByRole('region', { name: 'Corrections so far' })).toContainText('Sharpened the take.');

  await page.goto(`/pulse/${slug}`);
  const updates = page.getByRole('list', { name: 'Updates' });
  await expect(updates.getByRole('listitem')).toHaveCount(1);
  await expect(updates.getByRole('listitem')).toContainText(/Updated .*: Sharpened the take\./);
  await expect(page.getByText('corrections included')).toBeVisible();
});

test("a reader's pages load only the loader; the brief editor brings the WASM client", async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'without JavaScript nothing of the client loads at all');
  const wasm: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('.wasm')) wasm.push(new URL(request.url()).pathname);
  });
  // A first load and moves between pages, every kind a reader sees.
  await page.goto('/');
  await hydrated(page);
  await page.getByRole('list', { name: 'Briefs' }).getByRole('article').first().getByRole('heading', { level: 2 }).getByRole('link').click();
  await expect(page.getByRole('region', { name: 'React' })).toBeVisible();
  await page.goto('/pulse/kestrel-7b-open-weights');
  await hydrated(page);
  await page.getByRole('banner').getByRole('searchbox', { name: 'Search Pulse' }).fill('agent');
  await page.getByRole('banner').getByRole('searchbox', { name: 'Search Pulse' }).press('Enter');
  await expect(page).toHaveURL(/\/search\?/);
  expect(wasm).toEqual([]);

  // The desk's editor is an island: moving to it from the sign-in page fetches the client.
  await signIn(page, '/desk/new', hydrated);
  await expect(page.getByRole('heading', { name: 'Draft', level: 1 })).toBeVisible();
  await hydrated(page);
  expect(wasm.length).toBe(1);
  // And it is live: the preview follows the form before anything is saved.
  const preview = page.getByRole('region', { name: 'Preview' });
  const before = (await preview.textContent()) ?? '';
  await page.getByRole('form', { name: 'Brief' }).getByLabel('Title', { exact: true }).fill('Loaded on demand');
  await expect(preview).not.toHaveText(before);
});
