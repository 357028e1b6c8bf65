import { test, expect, expectFrontPage } from './fixtures';

test('the feed lists briefs newest first, each with its card details', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Pulse' })).toBeVisible();
  const cards = page.getByRole('list', { name: 'Briefs' }).getByRole('article');
  await expect(cards).toHaveCount(8);

  const dates = await cards.locator('time').evaluateAll((els) => els.map((e) => e.getAttribute('datetime') ?? ''));
  expect(dates.every((d) => d.length > 0)).toBe(true);
  expect([...dates].sort().reverse()).toEqual(dates);

  const first = cards.first();
  await expect(first.getByRole('heading', { level: 2 })).toBeVisible();
  await expect(first.getByText(/\d+ min read/)).toBeVisible();
  await expect(first.getByRole('link').first()).toHaveAttribute('href', /^\/category\//);
});

test('the category filter has its own URL and shows only that category', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  const categories = page.getByRole('navigation', { name: 'Categories' });
  await categories.getByRole('link', { name: 'Tools' }).click();
  await expect(page).toHaveURL(/\/category\/tools$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Tools' })).toBeVisible();
  await expect(categories.getByRole('link', { name: 'Tools' })).toHaveAttribute('aria-current', 'page');

  const tags = page.getByRole('list', { name: 'Briefs' }).getByRole('article').getByRole('link', { name: 'Tools', exact: true });
  const cards = page.getByRole('list', { name: 'Briefs' }).getByRole('article');
  expect(await cards.count()).toBeGreaterThan(0);
  await expect(tags).toHaveCount(await cards.count());

  await categories.getByRole('link', { name: 'All' }).click();
  await expectFrontPage(page);
});

test('pagination uses real links to older and newer pages', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  const pager = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pager.getByText('Page 1 of 2')).toBeVisible();
  await expect(pager.getByRole('link', { name: /Newer/ })).toHaveCount(0);
  const firstOnPageOne = await page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).first().textContent();

  await pager.getByRole('link', { name: /Older briefs/ }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(pager.getByText('Page 2 of 2')).toBeVisible();
  const onPageTwo = await page.getByRole('list', { name: 'Briefs' }).getByRole('heading', { level: 2 }).allTextContents();
  expect(onPageTwo.length).toBeGreaterThan(0);
  expect(onPageTwo).not.toContain(firstOnPageOne);

  await pager.getByRole('link', { name: /Newer briefs/ }).click();
  await expect(pager.getByText('Page 1 of 2')).toBeVisible();
});

test('an unknown category is a 404 page', async ({ page, hydrated }) => {
  const res = await page.goto('/category/no-such-category');
  expect(res?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
});

test('feed readers find the feeds from the page head, and they answer', async ({ page, request }) => {
  await page.goto('/category/tools');
  // <head> links have no role or name: found by what a feed reader looks for.
  const atom = page.locator('link[rel="alternate"][type="application/atom+xml"]');
  await expect(atom).toHaveCount(2);
  const hrefs = await atom.evaluateAll((links) => links.map((l) => (l as HTMLLinkElement).href));
  expect(hrefs.map((h) => new URL(h).pathname)).toEqual(['/feed.xml', '/category/tools/feed.xml']);
  await expect(page.locator('link[rel="alternate"][type="application/feed+json"]')).toHaveCount(1);
  for (const href of hrefs) {
    const feed = await request.get(new URL(href).pathname);
    expect(feed.ok()).toBeTruthy();
    expect(feed.headers()['content-type']).toContain('application/atom+xml');
    expect(await feed.text()).toContain('<feed xmlns="http://www.w3.org/2005/Atom">');
  }
});

test('the keyboard moves between briefs, opens one and lists the shortcuts, but never takes typing', async ({ page, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'shortcuts need JavaScript; without it Tab and Enter reach every brief');
  await page.goto('/');
  await hydrated(page);
  const links = page.getByRole('list', { name: 'Briefs' }).getByRole('article').getByRole('heading', { level: 2 }).getByRole('link');
  await page.keyboard.press('j');
  await expect(links.nth(0)).toBeFocused();
  await page.keyboard.press('j');
  await expect(links.nth(1)).toBeFocused();
  await page.keyboard.press('k');
  await expect(links.nth(0)).toBeFocused();

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Next brief');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Keys typed into a field stay in the field.
  const email = page.getByLabel('Email address').first();
  await email.click();
  await page.keyboard.type('jk?');
  await expect(email).toHaveValue('jk?');
  await expect(email).toBeFocused();
  await expect(help).toHaveCount(0);

  // `o` opens the brief in focus.
  const href = (await links.nth(0).getAttribute('href')) ?? '';
  await links.nth(0).focus();
  await page.keyboard.press('o');
  await expect(page).toHaveURL(new RegExp(`${href}$`));
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
});
