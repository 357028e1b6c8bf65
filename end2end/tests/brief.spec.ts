import { test, expect, expectFrontPage } from './fixtures';

const SECTIONS = ['What Happened', "Pulse's Take", 'What To Do', "Builder's Brief", 'What Skeptics Say'];

test('opening a brief shows every section in order, then back to the feed', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  const firstTitle = page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).first();
  const title = (await firstTitle.textContent())?.trim() ?? '';
  await firstTitle.getByRole('link').click();

  await expect(page).toHaveURL(/\/pulse\/[a-z0-9-]+$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page).toHaveTitle(new RegExp(title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toHaveAttribute('href', '#main');
  await expect(page.getByText(/^Published/)).toBeVisible();

  const source = page.getByText('Read the full article:').getByRole('link');
  await expect(source).toHaveAttribute('rel', /noopener/);
  await expect(source).toHaveAttribute('href', /^https?:\/\//);

  const headings = await page.getByRole('article').getByRole('heading', { level: 2 }).allTextContents();
  const found = SECTIONS.map((s) => headings.indexOf(s));
  expect(found.every((i) => i >= 0), `sections present in ${JSON.stringify(headings)}`).toBe(true);
  expect([...found].sort((a, b) => a - b)).toEqual(found);

  const builder = page.getByRole('region', { name: "Builder's Brief" });
  await expect(builder.getByRole('term')).toHaveText(['Who', 'What changes', 'When', 'Watch for']);
  await expect(builder.getByRole('definition')).toHaveCount(4);
  for (const d of await builder.getByRole('definition').allTextContents()) expect(d.trim().length).toBeGreaterThan(0);

  await page.getByRole('link', { name: 'Back to Pulse' }).click();
  await expectFrontPage(page);
});

test('Cited By lists the briefs that link here, and they really do', async ({ page, hydrated }) => {
  // Walk the feed until a brief with a Cited By section turns up.
  await page.goto('/');
  await hydrated(page);
  const hrefs = await page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).getByRole('link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  let cited: string | null = null;
  for (const href of hrefs) {
    await page.goto(href!);
    if (await page.getByRole('region', { name: 'Cited By' }).count()) {
      cited = href;
      break;
    }
  }
  expect(cited, 'some brief on the first page is cited by another').not.toBeNull();
  await hydrated(page);
  const citing = page.getByRole('region', { name: 'Cited By' }).getByRole('link').first();
  await citing.click();
  await expect(page).toHaveURL(/\/pulse\//);
  await expect(page.locator(`article a[href="${cited}"]`).first()).toBeAttached();
});

test('with JavaScript, moving between pages does not reload the document', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'client-side navigation needs JavaScript');
  await page.goto('/');
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { pulseMarker: number }).pulseMarker = 42));
  await page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).first().getByRole('link').click();
  await expect(page.getByRole('region', { name: 'What Happened' })).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { pulseMarker?: number }).pulseMarker)).toBe(42);
});

test('each page brings its own islands, the focus moves to its heading, and back comes back', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'client-side navigation needs JavaScript');
  await page.goto('/pulse/kestrel-7b-open-weights');
  await hydrated(page);
  await page.evaluate(() => ((window as unknown as { pulseMarker: number }).pulseMarker = 7));
  const hot = page.getByRole('region', { name: 'React' }).getByRole('button', { name: /^Hot \d+$/ });
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/react')), hot.click()]);
  await expect(hot).toHaveAttribute('aria-pressed', 'true');

  // Another brief, reached through search: its reaction bar is its own, not the last page's.
  const search = page.getByRole('banner').getByRole('searchbox', { name: 'Search Pulse' });
  await search.fill('distilled');
  await search.press('Enter');
  await page.getByRole('list', { name: 'Results' }).getByRole('heading', { level: 2 }).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/pulse\/distilled-small-models-tool-use$/);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toBeFocused();
  await expect(page).toHaveTitle(new RegExp(`^${(await heading.textContent())?.trim().slice(0, 20)}`));
  await expect(hot).toHaveAttribute('aria-pressed', 'false');

  // Back twice: the search, then the first brief as the reader left it.
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/pulse\/kestrel-7b-open-weights$/);
  await expect(hot).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => (window as unknown as { pulseMarker?: number }).pulseMarker)).toBe(7);
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/react')), hot.click()]);
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
});

test('back to the feed returns to where the reader was on it', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'without JavaScript the browser restores the place itself');
  await page.setViewportSize({ width: 400, height: 600 });
  await page.goto('/');
  await hydrated(page);
  const last = page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).getByRole('link').last();
  await last.scrollIntoViewIfNeeded();
  const place = await page.evaluate(() => Math.round(window.scrollY));
  expect(place).toBeGreaterThan(200);
  await last.click();
  await expect(page).toHaveURL(/\/pulse\//);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await page.goBack();
  await expect(page.getByRole('heading', { level: 1, name: 'Pulse' })).toBeVisible();
  await expect.poll(() => page.evaluate(() => Math.round(window.scrollY))).toBe(place);
});
