// Every route passes axe-core with no violations (WCAG 2.2 A and AA rules and axe's best
// practices), the desk included, as a reader with JavaScript sees it. axe is evaluated into
// the page by the test itself (the page's own CSP would refuse an injected script, rightly).
import { readFileSync } from 'node:fs';
import { test, expect } from './fixtures';
import { DESK_ROUTES, EDITOR_EMAIL, EDITOR_PASSWORD, READER_ROUTES } from './routes';

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

test.use({ bypassCSP: true });

test('every route has no accessibility violations, the desk included', async ({ page, hydrated, baseURL }, info) => {
  test.skip(info.project.name !== 'js-on', 'axe runs in the page, which needs JavaScript');
  test.setTimeout(180_000);
  expect(EDITOR_PASSWORD, 'global-setup.ts creates the editor').not.toBe('');
  const check = async (route: string) => {
    await page.goto(route);
    await hydrated(page);
    await page.evaluate(AXE);
    const violations = await page.evaluate(async () => {
      // @ts-expect-error axe is the script evaluated just before.
      const result = await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
      });
      return result.violations.map(
        (v: { id: string; help: string; nodes: { target: string[] }[] }) =>
          `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    });
    expect(violations, route).toEqual([]);
  };
  for (const route of READER_ROUTES) await check(route);
  const signedIn = await page.request.post('/api/sign_in', {
    form: { email: EDITOR_EMAIL, password: EDITOR_PASSWORD, next: '/desk' },
    headers: { origin: baseURL!, accept: 'application/json' },
  });
  expect(signedIn.status(), await signedIn.text()).toBe(200);
  for (const route of DESK_ROUTES) await check(route);
});
