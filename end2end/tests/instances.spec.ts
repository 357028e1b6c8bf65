import { test, expect, reactionButton as button, reactionCount as count } from './fixtures';

// Two more instances of the release server share one PostgreSQL database (started by
// global-setup.ts when .ci/test provides the database). Each browser context talks to its own.
const INSTANCES = process.env.PULSE_E2E_POSTGRES_URL
  ? ['http://127.0.0.1:3921', 'http://127.0.0.1:3922']
  : null;
const BRIEF = '/pulse/meridian-chorus-voice-model';

test('a reaction made through one instance reaches a page served by another', async ({ browser, hydrated, jsEnabled }) => {
  test.skip(!jsEnabled, 'live updates need JavaScript in the watching page');
  // In CI the instances always run; elsewhere the test says plainly why it did not.
  test.skip(!INSTANCES && !process.env.CI, 'no PostgreSQL instances (set PULSE_E2E_POSTGRES_URL; .ci/test does)');
  expect(INSTANCES, 'CI provides two PostgreSQL instances').not.toBeNull();
  const [a, b] = INSTANCES!;

  const reader = await browser.newContext({ baseURL: a });
  const page = await reader.newPage();
  await page.goto(BRIEF);
  await hydrated(page);
  const other = await browser.newContext({ baseURL: b });
  const watcher = await other.newPage();
  await watcher.goto(BRIEF);
  await hydrated(watcher);

  const before = await count(watcher, 'Insightful');
  await button(page, 'Insightful').click();
  await expect(button(page, 'Insightful')).toHaveText(new RegExp(` ${before + 1}$`));
  // Committed through A, it arrives on B's page by itself.
  await expect(button(watcher, 'Insightful')).toHaveText(new RegExp(` ${before + 1}$`), { timeout: 1_000 });
  await expect(button(watcher, 'Insightful')).toHaveAttribute('aria-pressed', 'false');

  await button(page, 'Insightful').click();
  await expect(button(watcher, 'Insightful')).toHaveText(new RegExp(` ${before}$`), { timeout: 1_000 });
  await reader.close();
  await other.close();
});
