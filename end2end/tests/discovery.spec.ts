// Finding things and coming back: search from the header, "New since your last visit" marks,
// and "N reading now" on a brief.
import { test, expect, openPage, postComment } from './fixtures';

test('a reader searches from the header and opens a result', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  const search = page.getByRole('banner').getByRole('searchbox', { name: 'Search Pulse' });
  await search.fill('Manifest');
  await search.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=Manifest$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
  await expect(page.getByText(/\d+ briefs? match(es)? “Manifest”\./)).toBeVisible();
  const results = page.getByRole('list', { name: 'Results' });
  const kestrel = results.getByRole('link', { name: /Kestrel-7B ships open weights/ });
  await expect(kestrel).toBeVisible();
  // The matching word is marked in the excerpt, whatever its case.
  await expect(results.locator('mark', { hasText: /^manifest/i }).first()).toBeVisible();
  // The page's own field holds the query, to refine it.
  await expect(page.getByRole('searchbox', { name: 'Search for' })).toHaveValue('Manifest');

  await kestrel.click();
  await expect(page).toHaveURL(/\/pulse\/kestrel-7b-open-weights$/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Kestrel-7B');
});

test('a search that finds nothing says so, and a hostile one is shown as text', async ({ page, hydrated }) => {
  await page.goto('/search?q=' + encodeURIComponent('zzzqqq "<b>x</b>'));
  await hydrated(page);
  await expect(page.getByText('No brief matches “zzzqqq "<b>x</b>”.')).toBeVisible();
  await expect(page.getByRole('list', { name: 'Results' })).toHaveCount(0);
  await expect(page.locator('main b')).toHaveCount(0);

  const res = await page.goto('/search?q=' + 'a'.repeat(300));
  expect(res?.status()).toBe(400);
  await expect(page.getByRole('alert')).toHaveText('A search can be at most 256 characters long.');
});

test('the / key goes to the search field', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'keyboard shortcuts need JavaScript');
  await page.goto('/');
  await hydrated(page);
  await page.keyboard.press('/');
  const search = page.getByRole('banner').getByRole('searchbox', { name: 'Search Pulse' });
  await expect(search).toBeFocused();
  await page.keyboard.type('trace');
  await expect(search).toHaveValue('trace');
});

test('briefs and comments since the last visit are marked New on the next visit', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'visits are kept in the browser, by the client');
  const brief = '/pulse/opinion-stop-shipping-chat-boxes';
  const marked = page.locator('.new-mark:visible');

  // A first visit marks nothing.
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByRole('list', { name: 'Briefs' }).getByRole('article').first()).toBeVisible();
  await expect(marked).toHaveCount(0);

  // The reader's previous visit ended on 16 November (as if they had been away since).
  const away = '2026-11-16T00:00:00Z';
  await page.evaluate((at) => {
    localStorage.setItem('pulse.lastSeen', String(Date.parse(at) / 1000));
    localStorage.removeItem('pulse.since');
  }, away);
  await page.goto('/');
  await hydrated(page);
  const cards = page.getByRole('list', { name: 'Briefs' }).getByRole('article');
  await expect(marked.first()).toBeVisible();
  const seen = await cards.evaluateAll((els) =>
    els.map((el) => ({
      at: el.querySelector('time')?.getAttribute('datetime') ?? '',
      isNew: !(el.querySelector('.new-mark') as HTMLElement | null)?.hidden,
    })),
  );
  expect(seen.some((c) => c.isNew)).toBe(true);
  expect(seen.some((c) => !c.isNew)).toBe(true);
  for (const card of seen) expect(card.isNew, card.at).toBe(card.at > away);
  await expect(marked.first()).toHaveText('New since your last visit');

  // Someone else comments while this reader's visit goes on; the reader comments too.
  const other = await browser.newContext();
  const theirs = await openPage(other, brief, hydrated);
  const token = `Fresh take ${Date.now().toString(36)}`;
  await postComment(theirs, 'Hedy', token);
  await expect(theirs.getByRole('article', { name: 'Comment by Hedy' }).filter({ hasText: token })).toBeVisible();
  await other.close();

  await page.goto(brief);
  await hydrated(page);
  const mineText = `My own ${Date.now().toString(36)}`;
  await postComment(page, 'Ada', mineText);
  await expect(page.getByRole('article', { name: 'Comment by Ada' }).filter({ hasText: mineText })).toBeVisible();

  // Back on the page in the same visit: the other reader's comment is new, their own is not.
  await page.reload();
  await hydrated(page);
  const hers = page.getByRole('article', { name: 'Comment by Hedy' }).filter({ hasText: token });
  await expect(hers.getByText('New since your last visit')).toBeVisible();
  const mine = page.getByRole('article', { name: 'Comment by Ada' }).filter({ hasText: mineText });
  await expect(mine).toBeVisible();
  await expect(mine.locator('.new-mark')).toHaveCount(0);
});

test('a brief shows how many read it now, live', async ({ browser, page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'the count comes over the live connection');
  const brief = '/pulse/halcyon-atlas-3-release';
  await page.goto(brief);
  await hydrated(page);
  await expect(page.getByText('1 reading now')).toBeVisible();

  const other = await browser.newContext();
  const second = await openPage(other, brief, hydrated);
  await expect(second.getByText('2 reading now')).toBeVisible();
  await expect(page.getByText('2 reading now')).toBeVisible();

  // Leaving for another page stops counting at once; closing does too.
  await second.getByRole('link', { name: '← Back to Pulse' }).click();
  await expect(page.getByText('1 reading now')).toBeVisible();
  await other.close();
  await expect(page.getByText('1 reading now')).toBeVisible();
});

test('a reader follows a brief in a feed reader from its comments', async ({ page, hydrated }) => {
  // A brief no other spec comments on, so its comment feed holds only what this test posts.
  const brief = '/pulse/northwind-batch-inference-price-cut';
  await page.goto(brief);
  await hydrated(page);
  const comments = page.getByRole('region', { name: 'Comments' });
  const token = `Feed-worthy ${Date.now().toString(36)}`;
  await postComment(page, 'Feed Reader', token);
  await expect(page.getByRole('article', { name: 'Comment by Feed Reader' }).filter({ hasText: token })).toBeVisible();

  // The links are plain: a feed reader (here, the test's own request) takes them from there.
  const commentsFeed = comments.getByRole('link', { name: 'new comments', exact: true });
  const res = await page.request.get(new URL((await commentsFeed.getAttribute('href')) ?? '', page.url()).href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('application/atom+xml');
  const xml = await res.text();
  expect(xml).toContain('<title>Comment by Feed Reader</title>');
  expect(xml).toContain(token);

  const updatesFeed = comments.getByRole('link', { name: 'updates to this brief', exact: true });
  const updates = await page.request.get(new URL((await updatesFeed.getAttribute('href')) ?? '', page.url()).href);
  expect(updates.status()).toBe(200);
  expect(await updates.text()).toContain('<title>Published: ');
});
