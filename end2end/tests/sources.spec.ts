import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from './fixtures';

// global-setup.ts creates this editor with `pulse user add` before the suite starts.
const EMAIL = process.env.PULSE_E2E_EDITOR_EMAIL ?? 'eddie@pulse.test';
const PASSWORD = process.env.PULSE_E2E_EDITOR_PASSWORD ?? '';

/** A feed server on 127.0.0.1 (.ci/test lets sources reach private addresses). */
async function serveFeed(body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/rss+xml' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/feed.xml`, server };
}

test('an editor adds a source, starts a brief from its item and dismisses another', async ({ page, hydrated }, info) => {
  expect(PASSWORD, 'global-setup.ts creates the editor when PULSE_E2E_BIN names the pulse binary').not.toBe('');
  // Each project has its own stories, so parallel runs never see each other's items.
  const run = `${info.project.name}-${Date.now().toString(36)}`;
  const first = `Lab ships Atlas ${run}`;
  const second = `Benchmark notes ${run}`;
  const items = [first, second]
    .map((title, i) => `<item><title>${title}</title><link>https://lab.example/${run}/${i}?utm_source=rss</link></item>`)
    .join('');
  const feed = await serveFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title><link>https://lab.example/</link><description>Lab news</description>${items}</channel></rss>`);
  try {
    await page.goto('/desk/login?next=/desk/sources');
    await hydrated(page);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Sources', level: 1 })).toBeVisible();

    await hydrated(page);
    await page.getByLabel('Name').fill(`Lab blog ${run}`);
    await page.getByLabel('Feed address (RSS, Atom or JSON Feed)').fill(feed.url);
    await page.getByRole('button', { name: 'Add source' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Source added and fetched' })).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: `Lab blog ${run}` });
    await expect(row.getByRole('cell', { name: '2', exact: true })).toBeVisible();

    // The inbox has both stories; one starts a brief with its fields filled in.
    await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Inbox' }).click();
    await expect(page.getByRole('heading', { name: 'Inbox', level: 1 })).toBeVisible();
    const inbox = page.getByRole('list', { name: 'New items, newest first' });
    await expect(inbox.getByRole('heading', { name: first })).toBeVisible();
    await expect(inbox.getByRole('heading', { name: second })).toBeVisible();
    await inbox.getByRole('link', { name: `Start a brief from “${first}”` }).click();
    await expect(page.getByRole('heading', { name: 'Draft', level: 1 })).toBeVisible();
    await expect(page.getByLabel('Title', { exact: true })).toHaveValue(first);
    await expect(page.getByLabel('Source name')).toHaveValue(`Lab blog ${run}`);
    await expect(page.getByLabel('Source address')).toHaveValue(`https://lab.example/${run}/0?utm_source=rss`);

    // Dismissed: gone from the inbox.
    await page.goto('/desk/inbox');
    await hydrated(page);
    await inbox.getByRole('button', { name: `Dismiss “${second}”` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Item dismissed.' })).toBeVisible();
    await expect(inbox.getByRole('heading', { name: second })).toHaveCount(0);
    await expect(inbox.getByRole('heading', { name: first })).toBeVisible();

    // The source goes, and its items with it.
    await page.goto('/desk/sources');
    await hydrated(page);
    await page.getByRole('button', { name: `Remove Lab blog ${run}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Source removed' })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: `Lab blog ${run}` })).toHaveCount(0);
  } finally {
    feed.server.close();
  }
});

test('an open inbox tells of new items as they arrive', async ({ page, hydrated, jsEnabled }, info) => {
  test.skip(!jsEnabled, 'an open inbox asks for news with JavaScript');
  test.setTimeout(60_000);
  const run = `${info.project.name}-${Date.now().toString(36)}`;
  const title = `Fresh from the lab ${run}`;
  const feed = await serveFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>Lab</title><link>https://lab.example/</link><description>Lab news</description><item><title>${title}</title><link>https://lab.example/${run}/fresh</link></item></channel></rss>`);
  try {
    await page.goto('/desk/login?next=/desk/inbox');
    await hydrated(page);
    await page.getByLabel('Email address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Inbox', level: 1 })).toBeVisible();
    await hydrated(page);

    // Another editor's source brings an item while this inbox is open (same session here).
    const added = await page.request.post('/api/add_source', { form: { name: `Fresh ${run}`, url: feed.url } });
    expect(added.ok()).toBeTruthy();
    const news = page.getByRole('status').filter({ hasText: /new items? (has|have) arrived/ });
    await expect(news).toBeVisible({ timeout: 30_000 });
    await news.getByRole('link', { name: 'Show them' }).click();
    await expect(page.getByRole('list', { name: 'New items, newest first' }).getByRole('heading', { name: title })).toBeVisible();
  } finally {
    feed.server.close();
  }
});
