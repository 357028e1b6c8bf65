// Pulse's client: loads the WASM islands when the browser is idle, and moves between pages
// without reloading the document. Served by the server at a content-hashed address
// (`crate::server::shell`); the page's own <script id="pulse-client"> names the WASM files.
//
// Moving between pages: a click on a same-site link, a form submit (GET or POST) or the
// browser's back/forward fetches the next page's HTML (header `Pulse-Navigation: 1`) and
// morphs the document into it. Elements are matched by tag and id; an island whose component
// and props are unchanged is kept whole, with its state; any other island is replaced, torn
// down in WASM (`page_changed`) and the new one hydrated. Redirects come back as 204 with
// `Pulse-Location`, so the target's #fragment survives. Focus moves to the new page's heading
// (or the #fragment's target), scroll positions are kept per history entry, and anything this
// cannot do falls back to a full page load. A form marked `data-native` is left to the browser.

const script = document.getElementById('pulse-client');
const NAV = 'Pulse-Navigation';
/** The WASM module's exports, once it has loaded. */
let wasm = null;
/** Moves with every navigation; an answer for an older one is dropped. */
let navigation = 0;
/** The page the document shows now (path and query). */
let shown = location.pathname + location.search;

// ---------------------------------------------------------------- islands

/** Hydration so far: each pass waits for the one before. */
let hydration = Promise.resolve();

/** Hydrates every island not hydrated yet, one task each, so no long task blocks the page. */
function hydrateIslands() {
  hydration = hydration.then(hydrateEach);
  return hydration;
}

async function hydrateEach() {
  if (!wasm) return;
  for (const el of document.querySelectorAll('leptos-island')) {
    if (el.$$pulse) continue;
    await new Promise((resolve) => setTimeout(resolve, 0));
    // A navigation may have taken it away meanwhile.
    if (el.$$pulse || !el.isConnected) continue;
    el.$$pulse = true;
    const island = wasm[el.dataset.component];
    if (typeof island !== 'function') {
      console.warn(`no island called ${el.dataset.component}`);
      continue;
    }
    wasm.island_enter();
    try {
      island(el);
    } finally {
      wasm.island_leave(el);
    }
  }
}

function load() {
  import(script.dataset.js)
    .then(async (mod) => {
      await mod.default({ module_or_path: script.dataset.wasm });
      mod.hydrate();
      wasm = mod;
      await hydrateIslands();
      live.start();
      document.documentElement.dataset.hydrated = 'true';
    })
    .catch((error) => console.error('Pulse could not start its client', error));
}

if ('requestIdleCallback' in window) requestIdleCallback(load, { timeout: 3000 });
else setTimeout(load, 1);

// ---------------------------------------------------------------- the live connection

/**
 * The document's one live connection, kept open across navigations: an EventSource on
 * `/live`, resumed from the id the first page was rendered at (later pages are rendered after
 * what it has already heard). Each event goes to the WASM client (`live_event`), which hands
 * it to the islands. When the browser gives up on the stream it is reopened with back-off from
 * the last id seen; on a brief's page the stream names the brief (`data-watch`), so it counts
 * as one of its readers, and moving to another page reopens it at once.
 */
const live = {
  source: null,
  after: 0,
  brief: null,
  backoff: 1000,
  retry: 0,

  start() {
    this.after = Number(document.documentElement.dataset.liveCursor) || 0;
    this.open();
  },

  watched() {
    const el = document.querySelector('[data-watch]');
    return el ? el.dataset.watch : null;
  },

  /** After a navigation: a page of another brief (or of none) needs its own stream. */
  follow() {
    if (wasm && this.watched() !== this.brief) this.open();
  },

  open() {
    clearTimeout(this.retry);
    if (this.source) this.source.close();
    this.brief = this.watched();
    let url = `/live?after=${this.after}`;
    if (this.brief) url += `&brief=${encodeURIComponent(this.brief)}`;
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      this.backoff = 1000;
      wasm.live_status(true);
    };
    source.onerror = () => {
      if (source !== this.source) return;
      wasm.live_status(false);
      // CONNECTING: the browser retries by itself, resending Last-Event-ID. CLOSED: it gave up.
      if (source.readyState === EventSource.CLOSED) {
        this.retry = setTimeout(() => this.open(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 30000);
      }
    };
    for (const kind of wasm.live_kinds().split(',')) {
      source.addEventListener(kind, (ev) => {
        const id = Number(ev.lastEventId) || 0;
        if (id > this.after) this.after = id;
        wasm.live_event(kind, id, ev.data);
      });
    }
  },
};

// ---------------------------------------------------------------- which requests are pages

function isPage(url) {
  return (
    url.origin === location.origin &&
    !/^\/(api|pkg|live)(\/|$)/.test(url.pathname) &&
    // Feeds, data files and assets (`.xml`, `.json`, `.svg`, …) are not pages.
    !/\.[A-Za-z0-9]+$/.test(url.pathname)
  );
}

function sameDocument(url) {
  return url.pathname + url.search === shown;
}

// ---------------------------------------------------------------- history and scrolling

history.scrollRestoration = 'manual';
history.replaceState({ ...history.state, pulse: true }, '');

function rememberScroll() {
  history.replaceState({ ...history.state, pulse: true, scroll: [scrollX, scrollY] }, '');
}
addEventListener('pagehide', rememberScroll);

addEventListener('popstate', (ev) => {
  const url = new URL(location.href);
  const scroll = ev.state && ev.state.scroll;
  if (sameDocument(url)) {
    // Only the #fragment moved.
    if (scroll) scrollTo(scroll[0], scroll[1]);
    else reveal(url.hash);
    return;
  }
  go(url, { mode: 'pop', scroll });
});

// ---------------------------------------------------------------- links and forms

addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) {
    return;
  }
  const link = ev.target instanceof Element ? ev.target.closest('a[href]') : null;
  if (!link || (link.target && link.target !== '_self') || link.hasAttribute('download')) return;
  if (link.relList.contains('external')) return;
  if (link.dataset.threadMore) {
    ev.preventDefault();
    loadMore(link);
    return;
  }
  const url = new URL(link.href);
  if (!isPage(url)) return;
  // A link to a place on this very page is the browser's own business.
  if (url.hash && sameDocument(url)) return;
  ev.preventDefault();
  go(url, { mode: 'push' });
});

addEventListener('submit', (ev) => {
  if (ev.defaultPrevented) return;
  const form = ev.target;
  // A form whose answer is a page of its own, to be shown as the browser would.
  if (form.hasAttribute('data-native')) return;
  if (form.classList.contains('theme-toggle__form')) {
    ev.preventDefault();
    chooseTheme(form);
    return;
  }
  const submitter = ev.submitter || null;
  const method = (
    (submitter && submitter.getAttribute('formmethod')) ||
    form.getAttribute('method') ||
    'get'
  ).toUpperCase();
  const action = new URL(
    (submitter && submitter.getAttribute('formaction')) || form.getAttribute('action') || location.href,
    location.href,
  );
  if (form.target || form.enctype === 'multipart/form-data' || action.origin !== location.origin) return;
  if (method !== 'GET' && method !== 'POST') return;
  if (method === 'GET' && !isPage(action)) return;
  const fields = new URLSearchParams();
  for (const [name, value] of new FormData(form, submitter)) {
    if (typeof value === 'string') fields.append(name, value);
  }
  ev.preventDefault();
  if (form.$$sending) return;
  if (method === 'GET') {
    action.search = fields.toString();
    action.hash = '';
    go(action, { mode: 'push' });
    return;
  }
  form.$$sending = true;
  const done = sending(form);
  go(action, {
    mode: 'push',
    init: { method: 'POST', body: fields },
    form,
    fallback: () => submitNatively(form, submitter),
  }).finally(() => {
    form.$$sending = false;
    done();
  });
});

/**
 * A theme switch (`components/theme_toggle.rs`): the page changes at once, and the post only
 * makes the choice stick (if it fails, the choice is just not remembered next time).
 */
function chooseTheme(form) {
  const theme = new FormData(form).get('theme');
  const root = document.documentElement;
  if (theme === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', theme);
  for (const button of form.parentElement.querySelectorAll('button[aria-pressed]')) {
    button.setAttribute('aria-pressed', String(form.contains(button)));
  }
  fetch(form.action, {
    method: 'POST',
    body: new URLSearchParams({ theme }),
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  }).catch(() => {});
}

/** Marks a form as on its way (`aria-busy`, its buttons disabled); the answer undoes it. */
function sending(form) {
  form.setAttribute('aria-busy', 'true');
  const buttons = [...form.querySelectorAll('button')].filter((button) => !button.disabled);
  for (const button of buttons) button.disabled = true;
  return () => {
    form.removeAttribute('aria-busy');
    for (const button of buttons) button.disabled = false;
  };
}

/**
 * Brings the older or newer page of a long thread (the `data-thread-more` link's) into the
 * thread on this page, without moving: its comments go before or after those shown, and the
 * link becomes the fetched page's own (or goes, at the thread's end). Focus moves to the
 * first comment brought in. If that cannot be done, the link is followed as a page.
 */
async function loadMore(link) {
  if (link.$$loading) return;
  link.$$loading = true;
  const older = link.dataset.threadMore === 'older';
  const holder = link.closest('.comments__more');
  const thread = document.getElementById('comment-thread');
  try {
    const res = await fetch(link.href, {
      credentials: 'same-origin',
      headers: { Accept: 'text/html', [NAV]: '1' },
    });
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok || !type.startsWith('text/html')) throw new Error(`answered ${res.status}`);
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const more = doc.getElementById('comment-thread');
    if (!thread || !holder || !more) throw new Error('no thread to join');
    const added = [...more.children]
      .filter((item) => !item.id || !document.getElementById(item.id))
      .map((item) => document.importNode(item, true));
    if (older) {
      thread.prepend(...added);
    } else {
      thread.append(...added);
      if (!more.hasAttribute('data-newer')) thread.removeAttribute('data-newer');
    }
    const next = doc.getElementById(holder.id);
    if (next) holder.replaceWith(document.importNode(next, true));
    else holder.remove();
    const first = added.length ? added[0].querySelector('article') : null;
    if (first) {
      first.tabIndex = -1;
      first.focus();
    }
  } catch (error) {
    console.warn('showing that part of the thread as a page', error);
    go(new URL(link.href), { mode: 'push' });
  } finally {
    link.$$loading = false;
  }
}

/** The form sent as if no script were here: the answer replaces the page. */
function submitNatively(form, submitter) {
  if (submitter && submitter.name) {
    const carried = document.createElement('input');
    carried.type = 'hidden';
    carried.name = submitter.name;
    carried.value = submitter.value;
    form.append(carried);
  }
  HTMLFormElement.prototype.submit.call(form);
}

// ---------------------------------------------------------------- navigating

/**
 * Fetches `url` and shows it. `mode`: 'push' (a new history entry), 'replace' or 'pop' (the
 * browser already moved); `init`: the fetch's method and body (a GET if none); `scroll`:
 * where to scroll afterwards (back/forward); `form`: the form that was sent, if any;
 * `fallback`: what to do if the page cannot be fetched (default: load it the ordinary way).
 */
async function go(url, { mode, init = { method: 'GET' }, scroll = null, form = null, fallback = null }) {
  const mine = ++navigation;
  const root = document.documentElement;
  // The browser has already moved on back/forward: load where it is, without a new entry.
  const fail = fallback || (() => (mode === 'pop' ? location.replace(url.href) : location.assign(url.href)));
  if (mode === 'push') rememberScroll();
  root.dataset.navigating = '';
  try {
    const res = await fetch(url.href, {
      ...init,
      credentials: 'same-origin',
      headers: { Accept: 'text/html', [NAV]: '1' },
    });
    if (mine !== navigation) return;
    const moved = res.headers.get('Pulse-Location');
    if (moved) {
      const next = new URL(moved, url);
      if (!isPage(next)) {
        location.assign(next.href);
        return;
      }
      // A redirect after a form post: the history entry is the page it led to.
      await go(next, { mode: mode === 'pop' ? 'replace' : mode });
      return;
    }
    const type = res.headers.get('Content-Type') || '';
    if (!type.startsWith('text/html')) {
      fail();
      return;
    }
    const html = await res.text();
    if (mine !== navigation) return;
    const doc = new DOMParser().parseFromString(html, 'text/html');
    if (form && !res.ok && !doc.getElementById('main')) {
      // A form the server refused, answered with the bare page a browser without scripts
      // would show: its message goes beside the form instead, which keeps what was typed.
      refused(form, doc);
      return;
    }
    const target = new URL(res.redirected ? res.url : url.href);
    if (!res.redirected) target.hash = url.hash;
    const stayed = target.pathname + target.search === shown && !target.hash;
    const focused = document.activeElement && document.activeElement.id;
    if (mode === 'push') history.pushState({ pulse: true }, '', target.href);
    else if (mode === 'replace') history.replaceState({ pulse: true }, '', target.href);
    shown = target.pathname + target.search;
    swap(doc);
    if (wasm) wasm.page_changed();
    hydrateIslands();
    live.follow();
    settle(target, scroll, stayed, focused);
  } catch (error) {
    if (mine === navigation) {
      console.warn('showing the page the ordinary way', error);
      fail();
    }
  } finally {
    if (mine === navigation) delete root.dataset.navigating;
  }
}

/** Shows the message of a refused form's answer in the form's alert. */
function refused(form, doc) {
  const message = [...doc.body.querySelectorAll('h1, p')]
    .map((el) => el.textContent.trim())
    .filter((text) => text && text !== 'Back to Pulse')
    .slice(-1)[0];
  let alert = form.querySelector('[role="alert"]');
  if (!alert) {
    alert = document.createElement('p');
    alert.className = 'form-error';
    alert.setAttribute('role', 'alert');
    form.prepend(alert);
  }
  alert.textContent = message || 'That did not work. Please try again.';
}

/** Scroll and focus once the new page is in: where a reader expects them. */
function settle(target, scroll, stayed, focused) {
  if (scroll) {
    scrollTo(scroll[0], scroll[1]);
    focusHeading(true);
  } else if (target.hash && reveal(target.hash)) {
    // Revealed and focused.
  } else if (stayed) {
    // The same page again (a form that lands where it was sent from): stay put.
    const again = focused && document.getElementById(focused);
    if (again) again.focus({ preventScroll: true });
    else focusHeading(true);
  } else {
    scrollTo(0, 0);
    focusHeading(true);
  }
}

/** Scrolls to and focuses the element a #fragment names; false if there is none. */
function reveal(hash) {
  const id = decodeURIComponent(hash.slice(1));
  const el = id && document.getElementById(id);
  if (!el) return false;
  focusable(el).focus({ preventScroll: true });
  el.scrollIntoView({ block: 'start' });
  return true;
}

function focusHeading(preventScroll) {
  const heading = document.querySelector('main h1') || document.getElementById('main');
  if (heading) focusable(heading).focus({ preventScroll });
}

/** Lets a script focus `el` without putting it in the tab order. */
function focusable(el) {
  if (el.tabIndex < 0 && !el.hasAttribute('tabindex')) el.setAttribute('tabindex', '-1');
  return el;
}

// ---------------------------------------------------------------- morphing

/** Attributes the client owns on <html>: the server never sends them. */
const CLIENT_ATTRIBUTES = new Set(['data-hydrated', 'data-theme', 'data-navigating']);

function swap(doc) {
  const root = document.documentElement;
  for (const { name, value } of [...doc.documentElement.attributes]) {
    if (!CLIENT_ATTRIBUTES.has(name) && root.getAttribute(name) !== value) root.setAttribute(name, value);
  }
  for (const { name } of [...root.attributes]) {
    if (!CLIENT_ATTRIBUTES.has(name) && !doc.documentElement.hasAttribute(name)) root.removeAttribute(name);
  }
  swapHead(document.head, doc.head);
  morphElement(document.body, doc.body);
}

/** Head elements are equal when their tag, attributes (but a nonce) and text are. */
function headKey(el) {
  const attributes = [...el.attributes]
    .filter((a) => a.name !== 'nonce')
    .map((a) => `${a.name}=${a.value}`)
    .sort();
  return `${el.tagName}|${attributes.join('|')}|${el.tagName === 'SCRIPT' || el.tagName === 'TITLE' ? el.textContent : ''}`;
}

function isCode(el) {
  return el.tagName === 'SCRIPT' && !/json/.test(el.type);
}

function swapHead(head, next) {
  const wanted = new Map();
  for (const el of next.children) wanted.set(headKey(el), el);
  for (const el of [...head.children]) {
    const key = headKey(el);
    if (wanted.has(key)) wanted.delete(key);
    // The client's own scripts stay, whatever the new page says.
    else if (!isCode(el)) el.remove();
  }
  for (const el of wanted.values()) {
    if (!isCode(el)) head.append(el);
  }
}

function isIsland(node) {
  return node.nodeType === Node.ELEMENT_NODE && node.tagName === 'LEPTOS-ISLAND';
}

/** Whether `from` may become `to` in place (else it is replaced). */
function alike(from, to) {
  if (from.nodeType !== to.nodeType) return false;
  if (from.nodeType !== Node.ELEMENT_NODE) return true;
  if (from.tagName !== to.tagName || from.id !== to.id) return false;
  if (isIsland(from)) {
    return from.dataset.component === to.dataset.component && from.dataset.props === to.dataset.props;
  }
  return true;
}

function morphElement(from, to) {
  for (const { name, value } of [...to.attributes]) {
    if (from.getAttribute(name) !== value) from.setAttribute(name, value);
  }
  for (const { name } of [...from.attributes]) {
    if (!to.hasAttribute(name)) from.removeAttribute(name);
  }
  morphChildren(from, to);
  // What the reader typed on the page left behind does not follow them to the next one.
  if (from instanceof HTMLInputElement) {
    if (from.type === 'checkbox' || from.type === 'radio') from.checked = to.hasAttribute('checked');
    else if (from.type !== 'file') from.value = to.getAttribute('value') || '';
  } else if (from instanceof HTMLTextAreaElement) {
    from.value = to.textContent;
  } else if (from instanceof HTMLOptionElement) {
    from.selected = to.hasAttribute('selected');
  }
}

function morphChildren(from, to) {
  const byId = new Map();
  for (const child of from.children) if (child.id) byId.set(child.id, child);
  let cursor = from.firstChild;
  for (let next = to.firstChild; next; ) {
    const following = next.nextSibling;
    let match = null;
    if (next.nodeType === Node.ELEMENT_NODE && next.id) {
      const found = byId.get(next.id);
      if (found && alike(found, next)) match = found;
      byId.delete(next.id);
    } else if (cursor && !(cursor.nodeType === Node.ELEMENT_NODE && cursor.id) && alike(cursor, next)) {
      match = cursor;
    }
    if (match) {
      if (match === cursor) cursor = cursor.nextSibling;
      else from.insertBefore(match, cursor);
      if (match.nodeType !== Node.ELEMENT_NODE) {
        if (match.nodeValue !== next.nodeValue) match.nodeValue = next.nodeValue;
      } else if (!isIsland(match)) {
        morphElement(match, next);
      }
    } else {
      from.insertBefore(next, cursor);
    }
    next = following;
  }
  while (cursor) {
    const following = cursor.nextSibling;
    cursor.remove();
    cursor = following;
  }
}

// ---------------------------------------------------------------- for the WASM client

window.pulse = {
  /** Shows `href` as a new page (or in place of this one, with `replace`). */
  navigate(href, replace) {
    const url = new URL(href, location.href);
    if (!isPage(url)) location.assign(url.href);
    else go(url, { mode: replace ? 'replace' : 'push' });
  },
  /** Gives the page shown a new address (no new history entry, nothing fetched). */
  rename(href) {
    const url = new URL(href, location.href);
    history.replaceState({ ...history.state, pulse: true }, '', url.href);
    shown = url.pathname + url.search;
  },
  /** Fetches this page again and shows what changed, keeping the reader's place. */
  reload() {
    go(new URL(location.href), { mode: 'replace', scroll: [scrollX, scrollY] });
  },
};
