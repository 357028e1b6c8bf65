import { test, expect } from './fixtures';

test('the theme toggle switches theme and is remembered across visits', async ({ page, hydrated }) => {
  await page.goto('/');
  await hydrated(page);
  const group = page.getByRole('group', { name: 'Colour theme' });
  await expect(group.getByRole('button', { name: 'Auto' })).toHaveAttribute('aria-pressed', 'true');

  const lightBackground = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);

  await group.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(group.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe(lightBackground);

  // The server renders the remembered theme on the first byte: no flash on the next visit.
  await expect.poll(async () => (await page.context().cookies()).find((c) => c.name === 'pulse_theme')?.value).toBe('dark');
  const res = await page.request.get('/');
  expect(await res.text()).toMatch(/<html[^>]*data-theme="dark"/);
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(background);

  await hydrated(page);
  await group.getByRole('button', { name: 'Light' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await group.getByRole('button', { name: 'Auto' }).click();
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /.+/);
});

test('a cross-site post to change the theme is refused', async ({ request }) => {
  const res = await request.post('/api/set_theme', {
    form: { theme: 'dark' },
    headers: { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' },
  });
  expect(res.status()).toBe(403);
  expect(res.headers()['set-cookie']).toBeUndefined();
});
