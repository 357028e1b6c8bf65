// Every route's HTML as the server sends it (what a reader without JavaScript gets, and what
// the client starts from) is valid HTML by the W3C Nu checker (npm vnu-jar, run with the
// machine's Java). Deterministic: the same pages give the same report on every run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';

import { DESK_ROUTES, EDITOR_EMAIL as EMAIL, EDITOR_PASSWORD as PASSWORD, READER_ROUTES } from './routes';

/** Runs the Nu checker over `files`; its error messages. */
function validate(files: string[]): string[] {
  const jar: string = require('vnu-jar');
  const run = spawnSync('java', ['-jar', jar, '--errors-only', '--format', 'json', ...files], {
    encoding: 'utf8',
  });
  if (run.error) throw run.error;
  // The checker reports on stderr; nothing at all means no errors.
  const report = run.stderr.trim() ? JSON.parse(run.stderr) : { messages: [] };
  return report.messages
    .filter((m: { type: string }) => m.type === 'error' || m.type === 'non-document-error')
    .map((m: { url: string; lastLine?: number; message: string; extract?: string }) =>
      `${m.url.split('/').pop()}:${m.lastLine ?? '?'}: ${m.message} — ${m.extract ?? ''}`,
    );
}

test('every route is valid HTML, the desk included', async ({ playwright, baseURL }, info) => {
  test.skip(info.project.name !== 'js-off', 'the served HTML is the same for both projects');
  test.setTimeout(120_000);
  expect(PASSWORD, 'global-setup.ts creates the editor').not.toBe('');
  const dir = mkdtempSync(join(tmpdir(), 'pulse-vnu-'));
  const files: string[] = [];
  const fetchAll = async (routes: string[], headers: Record<string, string>) => {
    const api = await playwright.request.newContext({ baseURL, extraHTTPHeaders: headers });
    if (routes === DESK_ROUTES) {
      const signedIn = await api.post('/api/sign_in', {
        form: { email: EMAIL, password: PASSWORD, next: '/desk' },
        headers: { origin: baseURL!, accept: 'application/json' },
      });
      expect(signedIn.status(), await signedIn.text()).toBe(200);
    }
    for (const route of routes) {
      const answer = await api.get(route, { maxRedirects: 0 });
      expect([200, 404], `${route}: ${answer.status()}`).toContain(answer.status());
      expect(answer.headers()['content-type']).toContain('text/html');
      const file = join(dir, `${files.length}.html`);
      writeFileSync(file, await answer.body());
      files.push(file);
      console.log(`${file.split('/').pop()} = ${route}`);
    }
    await api.dispose();
  };
  await fetchAll(READER_ROUTES, { accept: 'text/html' });
  await fetchAll(DESK_ROUTES, { accept: 'text/html' });
  expect(validate(files)).toEqual([]);
});
