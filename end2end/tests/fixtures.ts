// Shared test set-up: every test fails if the page logs a console error or throws, and
// `hydrated()` waits until the client has taken over the page and every island on it is live
// (a no-op with JavaScript off).
import { test as base, expect, BrowserContext, Page } from '@playwright/test';

type Fixtures = {
  /** Console errors a test provokes on purpose (a refused post, a cut connection). */
  allowedConsoleErrors: RegExp[];
  consoleErrors: string[];
  hydrated: (page: Page) => Promise<void>;
  jsEnabled: boolean;
};

export const test = base.extend<Fixtures>({
  jsEnabled: async ({ javaScriptEnabled }, use) => {
    await use(javaScriptEnabled !== false);
  },
  allowedConsoleErrors: async ({}, use) => {
    await use([]);
  },
  consoleErrors: [
    async ({ page, allowedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(String(err)));
      await use(errors);
      // Failed page loads we asked for on purpose (404/400 pages) are logged by the browser as
      // "Failed to load resource"; everything else is a real error.
      const real = errors.filter(
        (e) =>
          !/Failed to load resource: the server responded with a status of 40[04]/.test(e) &&
          !allowedConsoleErrors.some((allowed) => allowed.test(e)),
      );
      expect(real, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
  hydrated: async ({ jsEnabled }, use) => {
    await use(async (page: Page) => {
      if (jsEnabled) {
        await expect(page.locator('html')).toHaveAttribute('data-hydrated', 'true');
      }
    });
  },
});

export { expect };

/** A reaction's button in a brief's reaction bar, found by its label ("Hot 3"). */
export function reactionButton(page: Page, label: string) {
  return page.getByRole('region', { name: 'React' }).getByRole('button', { name: new RegExp(`^${label} \\d+$`) });
}

/** The count a reaction's button shows. */
export async function reactionCount(page: Page, label: string): Promise<number> {
  const text = (await reactionButton(page, label).textContent()) ?? '';
  return Number(text.trim().split(' ').pop());
}

/** Reacts with `label` on `page`, and checks that the new count reaches `watcher` (another
 * reader's open page) by itself within a second, not pressed there. Returns the count before. */
export async function reactSeenBy(page: Page, watcher: Page, label: string): Promise<number> {
  const before = await reactionCount(watcher, label);
  await reactionButton(page, label).click();
  await expect(reactionButton(page, label)).toHaveText(new RegExp(` ${before + 1}$`));
  // No reload: the count arrives by itself.
  await expect(reactionButton(watcher, label)).toHaveText(new RegExp(` ${before + 1}$`), { timeout: 1_000 });
  await expect(reactionButton(watcher, label)).toHaveAttribute('aria-pressed', 'false');
  return before;
}

/** Opens `path` in a new page of `context` (another reader's browser) once it is hydrated. */
export async function openPage(context: BrowserContext, path: string, hydrated: (page: Page) => Promise<void>): Promise<Page> {
  const page = await context.newPage();
  await page.goto(path);
  await hydrated(page);
  return page;
}

/** Posts a comment as `name` through the comment form of the brief open on `page`. */
export async function postComment(page: Page, name: string, body: string) {
  const form = page.locator('#comment-form');
  await form.getByLabel('Display name').fill(name);
  await form.getByLabel('Comment', { exact: true }).fill(body);
  await form.getByRole('button', { name: 'Post comment' }).click();
}

/** Checks that `page` shows the front page's feed: the path `/`, headed "Pulse". */
export async function expectFrontPage(page: Page) {
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Pulse' })).toBeVisible();
}
