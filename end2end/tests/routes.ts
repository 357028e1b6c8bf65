// Every route of the site, the desk's included, for the checks that go over all of them
// (validity.spec.ts, accessibility.spec.ts).

// global-setup.ts creates this editor with `pulse user add` before the suite starts.
export const EDITOR_EMAIL = process.env.PULSE_E2E_EDITOR_EMAIL ?? 'eddie@pulse.test';
export const EDITOR_PASSWORD = process.env.PULSE_E2E_EDITOR_PASSWORD ?? '';
export const BRIEF = 'halcyon-atlas-3-release';

export const READER_ROUTES = [
  '/',
  '/?page=2',
  '/category/ai-news',
  '/tag/model-release',
  `/pulse/${BRIEF}`,
  '/search',
  '/search?q=atlas',
  '/search?q=nothing-matches-this',
  '/digest',
  '/newsletter',
  '/newsletter?sent=1',
  '/newsletter/confirm?token=not-a-token',
  '/newsletter/unsubscribe',
  '/newsletter/my-data',
  `/pulse/${BRIEF}?follow=sent`,
  '/follow/confirm?token=not-a-token',
  '/follow/stop?token=not-a-token',
  '/follow/manage',
  '/follow/manage?token=not-a-token',
  '/my-data',
  '/desk/login',
  '/desk/login?failed=credentials&next=/desk',
  '/no-such-page',
  '/pulse/no-such-brief',
];

export const DESK_ROUTES = [
  '/desk',
  '/desk?q=atlas',
  '/desk/new',
  `/desk/briefs/${BRIEF}`,
  '/desk/moderation',
  '/desk/insight',
  '/desk/inbox',
  '/desk/sources',
  '/desk/sources?problem=Pulse%20will%20not%20fetch%20this%20address.',
  '/desk/editors',
  '/desk/audit',
  '/desk/account',
];
