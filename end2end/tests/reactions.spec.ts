import { test, expect } from './fixtures';

// Each test works on its own brief, per project, so parallel workers never share counts.
const BRIEFS: Record<string, { toggle: string; two: string; category: string; title: RegExp }> = {
  'js-on': {
    toggle: '/pulse/tracewell-local-trace-viewer',
    two: '/pulse/us-states-ai-disclosure-template',
    category: '/category/policy',
    title: /US state regulators/,
  },
  'js-off': {
    toggle: '/pulse/warpline-agent-framework-1-0',
    two: '/pulse/long-context-retrieval-depth-study',
    category: '/category/research',
    title: /long-context|retrieval/i,
  },
};

async function reactionButton(page: import('@playwright/test').Page, label: string) {
  const bar = page.getByRole('region', { name: 'React' });
  // The emoji is aria-hidden: a button is named by its label and count, e.g. "Hot 3".
  return bar.getByRole("button", { name: new RegExp(`^${label} \\d+$`) });
}

async function countOf(button: import('@playwright/test').Locator): Promise<number> {
  const name = (await button.textContent()) ?? '';
  return Number(name.trim().split(' ').pop());
}

test('a reader reacts, sees it remembered after reload, and takes it back', async ({ page, hydrated }, info) => {
  await page.goto(BRIEFS[info.project.name].toggle);
  await hydrated(page);
  const hot = await reactionButton(page, 'Hot');
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
  const before = await countOf(hot);

  // Wait for the server's answer: the optimistic update shows before it arrives.
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/react')), hot.click()]);
  await expect(hot).toHaveAttribute('aria-pressed', 'true');
  await expect(hot).toHaveText(new RegExp(` ${before + 1}$`));

  await page.reload();
  await hydrated(page);
  await expect(hot).toHaveAttribute('aria-pressed', 'true');
  await expect(hot).toHaveText(new RegExp(` ${before + 1}$`));

  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/react')), hot.click()]);
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
  await expect(hot).toHaveText(new RegExp(` ${before}$`));
  await page.reload();
  await expect(hot).toHaveAttribute('aria-pressed', 'false');
});

test('two readers count separately, and the feed card shows the total', async ({ page, browser, hydrated }, info) => {
  const briefs = BRIEFS[info.project.name];
  await page.goto(briefs.two);
  await hydrated(page);
  const mine = await reactionButton(page, 'Insightful');
  const start = await countOf(mine);
  await Promise.all([page.waitForResponse((r) => r.url().includes('/api/react')), mine.click()]);
  await expect(mine).toHaveText(new RegExp(` ${start + 1}$`));

  const other = await browser.newContext({ javaScriptEnabled: false });
  const otherPage = await other.newPage();
  await otherPage.goto(briefs.two);
  const theirs = await reactionButton(otherPage, 'Insightful');
  await expect(theirs).toHaveAttribute('aria-pressed', 'false');
  await theirs.click();
  await expect(theirs).toHaveAttribute('aria-pressed', 'true');
  await expect(theirs).toHaveText(new RegExp(` ${start + 2}$`));
  await other.close();

  await page.goto(briefs.category);
  const card = page.getByRole('article').filter({ has: page.getByRole('link', { name: briefs.title }) });
  await expect(card).toContainText(`Insightful ${start + 2}`);
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
