import { test, expect } from './fixtures';

test('an unknown brief is a real 404 page', async ({ page, hydrated }) => {
  const res = await page.goto('/pulse/no-such-brief');
  expect(res?.status()).toBe(404);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to Pulse' })).toBeVisible();
});

test('an unknown address is a 404 page', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
});

test('a bad page number is a 400 with a clear message', async ({ page, hydrated }) => {
  const res = await page.goto('/?page=abc');
  expect(res?.status()).toBe(400);
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("That request didn't look right");
  await expect(page.getByText(/page number must be a whole number/)).toBeVisible();
});
