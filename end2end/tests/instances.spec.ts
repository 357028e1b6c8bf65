import { test, expect, openPage, reactSeenBy, reactionButton as button } from './fixtures';

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
  const page = await openPage(reader, BRIEF, hydrated);
  const other = await browser.newContext({ baseURL: b });
  const watcher = await openPage(other, BRIEF, hydrated);

  // Committed through A, it arrives on B's page by itself.
  const before = await reactSeenBy(page, watcher, 'Insightful');

  await button(page, 'Insightful').click();
  await expect(button(watcher, 'Insightful')).toHaveText(new RegExp(` ${before}$`), { timeout: 1_000 });
  await reader.close();
  await other.close();
});
