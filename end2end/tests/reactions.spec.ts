import { test, expect } from './fixtures';

// Each test works on its own brief so parallel workers never share counts.
const BRIEFS = {
  toggle: '/pulse/tracewell-local-trace-viewer',
  two: '/pulse/us-states-ai-disclosure-template',
};

async function reactionButton(page: import('@playwright/test').Page, label: string) {
  const bar = page.getByRole('region', { name: 'React' });
  return bar.getByRole('button', { name: new RegExp(`^\\S+ ${label} \\d+$`) });
}

async function countOf(button: import('@playwright/test').Locator): Promise<number> {
  const name = (await button.textContent()) ?? '';
  return Number(name.trim().split(' ').pop());
}

test('a reader reacts, sees it remembered after reload, and takes it back', async ({ page, hydrated }) => {
  await page.goto(BRIEFS.toggle);
  await hydrated(page);
  const hot = await reactionButton(page, 'Hot');
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
  const before = await countOf(hot);

  await hot.click();
  await expect(hot).toHaveAttribute('aria-pressed', 'true');
  await expect(hot).toHaveText(new RegExp(` ${before + 1}$`));

  await page.reload();
  await hydrated(page);
  await expect(hot).toHaveAttribute('aria-pressed', 'true');
  await expect(hot).toHaveText(new RegExp(` ${before + 1}$`));

  await hot.click();
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
  await expect(hot).toHaveText(new RegExp(` ${before}$`));
  await page.reload();
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
});

test('two readers count separately, and the feed card shows the total', async ({ page, browser, hydrated }) => {
  await page.goto(BRIEFS.two);
  await hydrated(page);
  const mine = await reactionButton(page, 'Insightful');
  const start = await countOf(mine);
  await mine.click();
  await expect(mine).toHaveText(new RegExp(` ${start + 1}$`));

  const other = await browser.newContext({ javaScriptEnabled: false });
  const otherPage = await other.newPage();
  await otherPage.goto(BRIEFS.two);
  const theirs = await reactionButton(otherPage, 'Insightful');
  await expect(theirs).toHaveAttribute('aria-pressed', 'false');
  await theirs.click();
  await expect(theirs).toHaveAttribute('aria-pressed', 'true');
  await expect(theirs).toHaveText(new RegExp(` ${start + 2}$`));
  await other.close();

  await page.goto('/category/policy');
  const card = page.getByRole('article').filter({ has: page.getByRole('link', { name: /disclosure/i }) });
  await expect(card.getByText(new RegExp(`Insightful ${start + 2}`))).toBeVisible();
});

test('a cross-site reaction post is refused', async ({ request }) => {
  const res = await request.post('/api/react', {
    form: { slug: 'kestrel-7b-open-weights', kind: 'hot', active: 'true' },
    headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site', Accept: 'text/html' },
  });
  expect(res.status()).toBe(403);
  expect(res.headers()['set-cookie']).toBeUndefined();
  expect(await res.text()).toContain('can only be taken from Pulse itself');
});
