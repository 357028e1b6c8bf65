import { test, expect } from './fixtures';

// global-setup.ts creates this editor with `pulse user add` before the suite starts.
const EMAIL = process.env.PULSE_E2E_EDITOR_EMAIL ?? 'eddie@pulse.test';
const PASSWORD = process.env.PULSE_E2E_EDITOR_PASSWORD ?? '';

// A refused sign-in answers 401, which the browser logs.
test.use({ allowedConsoleErrors: [/status of 401/] });

test('an editor signs in, finds a brief on the desk and signs out', async ({ page, hydrated }) => {
  expect(PASSWORD, 'global-setup.ts creates the editor when PULSE_E2E_BIN names the pulse binary').not.toBe('');
  await page.goto('/desk?q=atlas');
  // No session: the desk sends the browser to sign in, remembering where it was going.
  await expect(page).toHaveURL(/\/desk\/login\?next=\/desk%3Fq%3Datlas$/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Sign in to the desk' })).toBeVisible();

  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill('not the right password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText("don't match an editor account");

  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Briefs', level: 1 })).toBeVisible();
  await expect(page).toHaveURL(/\/desk\?q=atlas$/);
  await expect(page.getByText('Signed in as Eddie Editor')).toBeVisible();
  const results = page.getByRole('table');
  await expect(results.getByRole('link', { name: /Atlas 3/ })).toBeVisible();
  await expect(results.getByRole('link', { name: /EU AI Office/ })).toHaveCount(0);

  await hydrated(page);
  await page.getByLabel('Search briefs').fill('incident reporting');
  await page.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await expect(results.getByRole('link', { name: /EU AI Office/ })).toBeVisible();
  await expect(results.getByRole('link', { name: /Atlas 3/ })).toHaveCount(0);

  await page.getByRole('link', { name: 'Eddie Editor · admin' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  await expect(page.getByLabel('Current password')).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'You are signed out.' })).toBeVisible();
  await page.goto('/desk');
  await expect(page).toHaveURL(/\/desk\/login/);
});

test('a moderator hides a reported comment and it leaves another reader’s open page', async ({ page, browser, request, hydrated, jsEnabled }, info) => {
  expect(PASSWORD, 'global-setup.ts creates the editor when PULSE_E2E_BIN names the pulse binary').not.toBe('');
  const slug = 'postmortem-prompt-cache-stampede';
  const text = `Moderate me ${info.project.name} ${Date.now().toString(36)}`;

  // Its author posts; someone else reports it (one report: still shown, but in the queue);
  // a third reader has the brief open.
  const authorContext = await browser.newContext();
  const posted = await authorContext.request.post('/api/post_comment', {
    form: { slug, name: 'Rowan', body: text, key: `e2e-${info.project.name}-${Date.now()}` },
  });
  expect(posted.ok()).toBeTruthy();
  const id = (await posted.json()).id;
  const reported = await request.post('/api/report_comment', { form: { slug, id: String(id), reason: 'abuse' } });
  expect(reported.ok()).toBeTruthy();
  await authorContext.close();
  const readerContext = await browser.newContext({ javaScriptEnabled: jsEnabled });
  const reader = await readerContext.newPage();
  await reader.goto(`/pulse/${slug}`);
  await hydrated(reader);
  await expect(reader.getByText(text)).toBeVisible();

  await page.goto('/desk/login?next=/desk/moderation');
  await hydrated(page);
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Moderation', level: 1 })).toBeVisible();
  const item = page.getByRole('listitem').filter({ hasText: text });
  await expect(item.getByText('Reported, still shown')).toBeVisible();
  await expect(item.getByText('1 × abuse')).toBeVisible();
  await hydrated(page);
  await item.getByLabel('Note for the log (optional)').fill('personal attack');
  await item.getByLabel(/^Reason, if hidden or deleted/).selectOption({ label: 'Abusive or hateful' });
  await item.getByRole('button', { name: 'Hide' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: text })).toHaveCount(0);

  // With JavaScript the reader's open page drops it live; without, on the next load.
  if (!jsEnabled) await reader.reload();
  await expect(reader.getByText(text)).toHaveCount(0);
  // The thread tells, by reason only, that moderators removed something.
  await reader.reload();
  await hydrated(reader);
  const note = reader.getByRole('region', { name: 'Comments' }).getByText(/\d+ comments? removed by moderators \(.*abuse/);
  await expect(note).toBeVisible();
  await expect(note).not.toContainText('Rowan');
  await readerContext.close();

  await page.goto('/desk/audit');
  const line = page.getByRole('row').filter({ hasText: `#${id}` });
  await expect(line).toContainText('hide');
  await expect(line).toContainText('personal attack');
  await expect(line).toContainText('Eddie Editor');
});

test('an editor reads what readers do on the insight page', async ({ page, request, hydrated }) => {
  // A reader's visit (a browser's user agent: the suite's own headless browser counts as a bot).
  const seen = await request.get('/pulse/meridian-chorus-voice-model', {
    headers: { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36', Accept: 'text/html' },
  });
  expect(seen.ok()).toBeTruthy();

  await page.goto('/desk/login?next=/desk/insight');
  await hydrated(page);
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Insight', level: 1 })).toBeVisible();
  await expect(page.getByRole('img', { name: /Over the last 30 days: \d+ page views/ })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Per day, newest first' }).getByRole('row')).toHaveCount(31);
  // Counts reach the database every few seconds: the visit shows among the week's briefs.
  const week = page.getByRole('table', { name: 'Most read briefs of the last 7 days' });
  await expect
    .poll(async () => {
      await page.reload();
      return week.getByRole('link', { name: /Meridian/ }).count();
    }, { timeout: 30_000 })
    .toBeGreaterThan(0);

  // The brief list shows each published brief's two-week trend.
  await page.getByRole('navigation', { name: 'Desk' }).getByRole('link', { name: 'Briefs' }).click();
  await expect(page.getByRole('columnheader', { name: 'Views, 14 days' })).toBeVisible();
  const row = page.getByRole('row').filter({ hasText: 'Meridian AI launches Chorus' });
  await expect(row.getByRole('img', { name: /^[1-9]\d* views in 14 days$/ })).toBeVisible();
});
