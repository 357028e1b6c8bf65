// Pulse's client: brings the server's pages to life when the browser is idle — the one live
// connection and everything it shows, forms sent in the background, keyboard shortcuts, marks
// that change with time — and moves between pages without reloading the document. Only a
// page with islands (the desk's brief editor) loads the WASM client as well. Served by the
// server at a content-hashed address (`crate::server::shell`); the page's own
// <script id="pulse-client"> names the WASM files.
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
/** The WASM module on its way, once a page with islands asked for it. */
let loading = null;

/** Fetches and starts the WASM client (once). */
function loadWasm() {
  if (!loading) {
    loading = import(script.dataset.js).then(async (mod) => {
      await mod.default({ module_or_path: script.dataset.wasm });
      mod.hydrate();
      wasm = mod;
    });
  }
  return loading;
}

/**
 * Hydrates every island not hydrated yet, one task each, so no long task blocks the page. The
 * WASM client is fetched only for a page that has islands (the desk's brief editor): a
 * reader's pages have none, and load nothing but this file.
 */
function hydrateIslands() {
  const root = document.documentElement;
  if ([...document.querySelectorAll('leptos-island')].some((el) => !el.$$pulse)) {
    // `data-hydrated` says every island on the page is live; these are not yet.
    delete root.dataset.hydrated;
    hydration = hydration
      .then(loadWasm)
      .then(hydrateEach)
      .catch((error) => console.error('Pulse could not start its client', error));
  }
  hydration = hydration.then(() => {
    root.dataset.hydrated = 'true';
  });
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

/** The client takes over: marks, the live connection, then any islands. */
function start() {
  marks.start();
  live.start();
  inbox.start();
  hydrateIslands();
}

if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 3000 });
else setTimeout(start, 1);

// ---------------------------------------------------------------- the live connection

/**
 * The document's one live connection, kept open across navigations: an EventSource on
 * `/live`, resumed from the id the first page was rendered at (later pages are rendered after
 * what it has already heard). What is only shown — reaction and comment counts, "reading now",
 * the connection's own state — this writes into the page itself (`heard`); comments and new
 * briefs go to the WASM client (`live_event`), which hands them to the islands. When the
 * browser gives up on the stream it is reopened with back-off from the last id seen; on a
 * brief's page the stream names the brief (`data-watch`), so it counts as one of its readers,
 * and moving to another page reopens it at once.
 */
const live = {
  source: null,
  after: 0,
  brief: null,
  backoff: 1000,
  retry: 0,

  start() {
    this.after = Number(document.documentElement.dataset.liveCursor) || 0;
    thread.applied = this.after;
    this.open();
  },

  watched() {
    const el = document.querySelector('[data-watch]');
    return el ? el.dataset.watch : null;
  },

  /** After a navigation: a page of another brief (or of none) needs its own stream. */
  follow() {
    if (this.source && this.watched() !== this.brief) {
      // Counts heard for another visit of a brief are out of date by now.
      heard.reading.clear();
      this.open();
    }
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
      heard.connection(true);
    };
    source.onerror = () => {
      if (source !== this.source) return;
      heard.connection(false);
      // CONNECTING: the browser retries by itself, resending Last-Event-ID. CLOSED: it gave up.
      if (source.readyState === EventSource.CLOSED) {
        this.retry = setTimeout(() => this.open(), this.backoff);
        this.backoff = Math.min(this.backoff * 2, 30000);
      }
    };
    for (const kind of ['reactions', 'comment', 'comment_changed', 'brief', 'reset', 'reading']) {
      source.addEventListener(kind, (ev) => {
        const id = Number(ev.lastEventId) || 0;
        if (id > this.after) this.after = id;
        heard.event(kind, id, ev.data);
      });
    }
  },
};

// ---------------------------------------------------------------- what the live connection shows

/**
 * The live parts of a page that are only shown, written here from what the connection heard:
 * reaction counts (`data-reactions` bars, `data-counts` on feed cards), comment counts
 * (`data-comment-count`, cards), "reading now" (`data-watch`) and the connection's state
 * (`.live-status`). Each count is kept with its event id, and after every navigation written
 * again into the new page where it is newer than the page (`data-live-cursor`), so a page
 * fetched while an event was on its way still shows it. Text goes in as text, never as HTML.
 */
const heard = {
  /** Per brief: the latest reaction counts, `{ id, counts }`. */
  reactions: new Map(),
  /** Per brief: the latest comment count, `{ id, count }`. */
  comments: new Map(),
  /** Per brief: how many read it now. */
  reading: new Map(),
  /** Briefs published, in arrival order: `{ id, slug, category, tags }`. */
  briefs: [],
  /** 'connecting', 'live' or 'offline'; and whether it was ever lost. */
  state: 'connecting',
  lost: false,

  event(kind, id, data) {
    if (kind === 'reset') {
      // The page missed too much to catch up by deltas: fetch it again.
      window.pulse.reload();
      return;
    }
    let value;
    try {
      value = JSON.parse(data);
    } catch {
      return;
    }
    if (kind === 'reading') {
      this.reading.set(value.slug, value.count);
      this.showReading();
      return;
    }
    if (!(id > 0)) return;
    if (kind === 'reactions') {
      this.reactions.set(value.slug, { id, counts: value.counts });
      this.showReactions(value.slug, true);
    } else if (kind === 'comment' || kind === 'comment_changed') {
      this.comments.set(value.slug, { id, count: value.count });
      if (kind === 'comment') thread.heardComment(id, value);
      else thread.heardChange(id, value);
      this.showComments(value.slug);
    } else if (kind === 'brief' && value.brief) {
      const brief = value.brief;
      this.briefs = this.briefs.filter((b) => b.slug !== brief.slug);
      this.briefs.push({ id, slug: brief.slug, category: brief.category.slug, tags: brief.tags || [] });
      this.showNewBriefs();
    }
  },

  connection(open) {
    if (!open) this.lost = true;
    this.state = open ? 'live' : 'offline';
    this.showConnection();
  },

  /** A new page is in: what was heard after it was rendered goes into it. */
  pageChanged() {
    for (const slug of this.reactions.keys()) this.showReactions(slug, false);
    thread.pageChanged();
    for (const slug of this.comments.keys()) this.showComments(slug);
    this.showReading();
    this.showConnection();
    this.showNewBriefs();
  },

  /** The briefs published after the page was rendered that its feed would list, not on it. */
  waitingBriefs(offer) {
    const cursor = Number(document.documentElement.dataset.liveCursor) || 0;
    const { category, tag } = offer.dataset;
    return this.briefs.filter(
      (b) =>
        b.id > cursor &&
        (!category || b.category === category) &&
        (!tag || b.tags.includes(tag)) &&
        !document.getElementById(`card-${b.slug}`),
    );
  },

  showNewBriefs() {
    for (const offer of document.querySelectorAll('[data-new-briefs]')) {
      const button = offer.querySelector('button');
      if (!button) continue;
      const n = this.waitingBriefs(offer).length;
      button.hidden = n === 0;
      button.textContent = n === 1 ? '1 new brief — show' : `${n} new briefs — show`;
    }
  },

  /** The entry for `slug` in `map`, if it is newer than the page in the document. */
  newer(map, slug) {
    const entry = map.get(slug);
    const cursor = Number(document.documentElement.dataset.liveCursor) || 0;
    return entry && entry.id > cursor ? entry : null;
  },

  showReactions(slug, announce) {
    const entry = this.newer(this.reactions, slug);
    if (!entry) return;
    const counts = entry.counts;
    for (const bar of document.querySelectorAll('[data-reactions]')) {
      if (bar.dataset.reactions !== slug) continue;
      const given = [];
      for (const form of bar.querySelectorAll('form[data-kind]')) {
        const n = counts[form.dataset.kind] || 0;
        const count = form.querySelector('.reactions__count');
        if (count) count.textContent = String(n);
        if (n > 0) given.push(`${form.dataset.label} ${n}`);
      }
      const note = bar.querySelector('.reactions__announce');
      if (announce && note) {
        note.textContent = given.length ? `Reactions now: ${given.join(', ')}` : 'No reactions yet';
      }
    }
    for (const holder of document.querySelectorAll('[data-counts]')) {
      if (holder.dataset.counts === slug) cardReactions(holder, counts);
    }
  },

  showComments(slug) {
    const entry = this.newer(this.comments, slug);
    if (!entry) return;
    const label = commentsLabel(entry.count);
    for (const link of document.querySelectorAll('[data-comment-count]')) {
      if (link.dataset.commentCount === slug) link.textContent = entry.count ? label : 'No comments yet';
    }
    for (const live of document.querySelectorAll('[data-thread]')) {
      const count = live.dataset.thread === slug && live.querySelector('.comments__count');
      if (count) count.textContent = label;
    }
    for (const holder of document.querySelectorAll('[data-counts]')) {
      if (holder.dataset.counts !== slug) continue;
      const link = child(holder, 'a', 'card__comments', entry.count > 0, (el) => {
        el.href = `/pulse/${encodeURIComponent(slug)}#comments`;
        holder.append(el);
      });
      if (link) link.textContent = label;
    }
  },

  showReading() {
    for (const el of document.querySelectorAll('[data-watch]')) {
      const n = this.reading.get(el.dataset.watch) || 0;
      const text = n === 0 ? '' : n === 1 ? '1 reading now' : `${n} reading now`;
      if (el.textContent !== text) el.textContent = text;
    }
  },

  showConnection() {
    const text =
      this.state === 'offline' ? 'Offline — reconnecting…' : this.state === 'live' && this.lost ? 'Live again' : '';
    for (const el of document.querySelectorAll('.live-status')) {
      el.dataset.state = this.state;
      if (el.textContent !== text) el.textContent = text;
    }
  },
};

/**
 * The live part of a brief's thread (`components/comments/live_thread.rs`, `data-thread`):
 * comments others post wait behind "N new comments — show" (only those that belong on this
 * page of the thread: a reply to a comment on it, or anything while it is the newest page)
 * and, when the reader asks, come in as the server renders them, each where the server would
 * put it; edits and removals apply in place. What was heard is kept (the latest 500 of each),
 * so a page fetched while an event was on its way catches up on it.
 */
const thread = {
  /** Comments published: `{ id, slug, comment }`, in arrival order. */
  comments: [],
  /** Comment changes: `{ id, change }`, in arrival order. */
  changes: [],
  /** The id of the latest change applied to the page in the document. */
  applied: 0,
  /** How many of this page's own comments are on their way (their live echo is not news). */
  posting: 0,
  KEPT: 500,

  heardComment(id, added) {
    this.comments.push({ id, slug: added.slug, comment: added.comment });
    if (this.comments.length > this.KEPT) this.comments.shift();
    this.showWaiting();
  },

  heardChange(id, change) {
    // A comment heard but not shown yet shows as it is now.
    if (change.comment) {
      for (const heard of this.comments) if (heard.comment.id === change.id) heard.comment = change.comment;
    } else {
      this.comments = this.comments.filter((heard) => heard.comment.id !== change.id);
    }
    this.changes.push({ id, change });
    if (this.changes.length > this.KEPT) this.changes.shift();
    this.applyChanges();
    this.showWaiting();
  },

  pageChanged() {
    this.applied = Number(document.documentElement.dataset.liveCursor) || 0;
    this.applyChanges();
    this.showWaiting();
  },

  /** The open thread's live part and its brief, if this page has one. */
  open() {
    const live = document.querySelector('[data-thread]');
    return live ? { live, slug: live.dataset.thread, list: document.getElementById('comment-thread') } : null;
  },

  waiting() {
    const open = this.open();
    if (!open || !open.list) return [];
    const cursor = Number(document.documentElement.dataset.liveCursor) || 0;
    const newest = !open.list.hasAttribute('data-newer');
    return this.comments.filter(
      (heard) =>
        heard.id > cursor &&
        heard.slug === open.slug &&
        !document.getElementById(`comment-${heard.comment.id}`) &&
        (newest || (heard.comment.parent_id && document.getElementById(`comment-${heard.comment.parent_id}`))),
    );
  },

  showWaiting() {
    const open = this.open();
    if (!open) return;
    const n = this.posting > 0 ? 0 : this.waiting().length;
    const button = open.live.querySelector('.comments__waiting');
    if (button) {
      button.hidden = n === 0;
      button.textContent = n === 1 ? '1 new comment — show' : `${n} new comments — show`;
    }
    const note = open.live.querySelector('.comments__announce');
    const said = n === 0 ? '' : n === 1 ? '1 new comment' : `${n} new comments`;
    if (note && note.textContent !== said) note.textContent = said;
  },

  /** Edits, deletions and take-downs heard after the page was rendered, each applied once. */
  applyChanges() {
    const open = this.open();
    for (const { id, change } of this.changes) {
      if (id <= this.applied) continue;
      this.applied = id;
      if (open && change.slug === open.slug) applyChange(change);
    }
  },

  /** "N new comments — show" pressed. */
  async show() {
    const open = this.open();
    if (!open || !open.list) return;
    const waiting = this.waiting();
    const brought = [];
    for (const heard of waiting) {
      const id = heard.comment.id;
      if (document.getElementById(`comment-${id}`)) continue;
      // The page of the thread that holds it; the others waiting on that page come with it.
      let doc;
      try {
        const res = await ask(`/pulse/${encodeURIComponent(open.slug)}?comment=${id}`, {}, { fragment: true });
        if (!res.ok) continue;
        doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      } catch {
        continue;
      }
      for (const other of waiting) {
        const item = doc.getElementById(`comment-${other.comment.id}`);
        if (!item || document.getElementById(item.id)) continue;
        const mine = document.importNode(item, true);
        place(open.list, mine, other.comment.parent_id);
        brought.push(mine);
      }
    }
    const empty = open.live.querySelector('.comments__empty');
    if (empty && open.list.children.length) empty.remove();
    this.showWaiting();
    const first = brought.length ? brought[0].querySelector('article') : null;
    if (first) focusable(first).focus();
  },
};

/** Puts a comment's `<li>` where the server would: after its parent's last reply, or last. */
function place(list, item, parentId) {
  const parent = parentId ? document.getElementById(`comment-${parentId}`) : null;
  let before = null;
  if (parent && parent.parentElement === list) {
    const depth = depthOf(parent);
    before = parent.nextElementSibling;
    while (before && depthOf(before) > depth) before = before.nextElementSibling;
  }
  list.insertBefore(item, before);
}

function depthOf(item) {
  return Number(item.dataset.depth) || 0;
}

/**
 * A change heard live, applied to the comment on the page: an edit replaces the body (the
 * stored HTML, sanitised by the server when it was written, as in its own render) and marks
 * it edited; a deletion or take-down that leaves replies becomes a placeholder; anything else
 * leaves the page — except the reader's own comment held for review, which stays on their
 * page, marked as held, as it would after a reload.
 */
function applyChange(change) {
  const item = document.getElementById(`comment-${change.id}`);
  if (!item) return;
  const comment = change.comment;
  if (comment && (comment.state === 'visible' || comment.state === 'held')) {
    const body = item.querySelector('.comment__body');
    if (body) body.innerHTML = comment.body_html;
    const when = item.querySelector('.comment__meta time');
    if (comment.edited_at && when && !item.querySelector('.comment__edited')) {
      const mark = document.createElement('span');
      mark.className = 'comment__edited';
      mark.title = `Edited ${comment.edited_at}`;
      mark.textContent = 'edited';
      when.after(mark);
    }
  } else if (comment) {
    const deleted = comment.state === 'deleted';
    const depth = Math.min(Number(comment.depth) || 0, 8);
    const placeholder = document.createElement('li');
    placeholder.id = item.id;
    placeholder.className = `comment comment--depth-${depth} comment--placeholder`;
    placeholder.dataset.depth = String(depth);
    const card = document.createElement('article');
    card.className = 'comment__card';
    card.setAttribute('aria-label', deleted ? 'Deleted comment' : 'Removed comment');
    const text = document.createElement('p');
    text.className = 'comment__placeholder';
    text.textContent = deleted ? '[deleted]' : '[removed]';
    card.append(text);
    placeholder.append(card);
    item.replaceWith(placeholder);
  } else if (item.hasAttribute('data-own') && change.held) {
    item.classList.add('comment--held');
    const meta = item.querySelector('.comment__meta');
    if (meta && !item.querySelector('.comment__notice')) {
      const notice = document.createElement('p');
      notice.className = 'comment__notice';
      notice.textContent = 'Held for review: only you can see this until a moderator approves it.';
      meta.after(notice);
    }
  } else {
    item.remove();
  }
}

function commentsLabel(n) {
  return n === 1 ? '1 comment' : `${n} comments`;
}

/** The site's settings the server put in the page (`#pulse-site`), read once. */
let siteInfo = null;
function site() {
  if (!siteInfo) {
    const el = document.getElementById('pulse-site');
    try {
      siteInfo = el ? JSON.parse(el.textContent) : {};
    } catch {
      siteInfo = {};
    }
  }
  return siteInfo;
}

/**
 * "N new briefs — show" pressed: the feed is fetched again in place (its cards are the
 * server's), the reader's scroll kept, and focus goes to the newest card that came in.
 */
async function showNewBriefs(offer) {
  const waiting = heard.waitingBriefs(offer);
  await go(new URL(location.href), { mode: 'replace', scroll: [scrollX, scrollY] });
  const newest = waiting.length && document.getElementById(`card-${waiting[waiting.length - 1].slug}`);
  const link = newest && newest.querySelector('h2 a');
  if (link) link.focus();
}

/**
 * The `tag.name` child of `holder`: removed (null) unless `wanted`, made and put in place by
 * `put` if it is missing.
 */
function child(holder, tag, name, wanted, put) {
  let el = holder.querySelector(`${tag}.${name}`);
  if (!wanted) {
    if (el) el.remove();
    return null;
  }
  if (!el) {
    el = document.createElement(tag);
    el.className = name;
    put(el);
  }
  return el;
}

/** A feed card's reaction counts, as `components/brief_card.rs` renders them. */
function cardReactions(holder, counts) {
  const given = (site().reactions || []).filter((r) => (counts[r.key] || 0) > 0);
  const list = child(holder, 'span', 'card__reactions', given.length > 0, (el) => holder.prepend(el));
  if (!list) return;
  list.replaceChildren(
    ...given.map((r) => {
      const one = document.createElement('span');
      one.className = 'card__reaction';
      const emoji = document.createElement('span');
      emoji.setAttribute('aria-hidden', 'true');
      emoji.textContent = r.emoji;
      const name = document.createElement('span');
      name.className = 'visually-hidden';
      name.textContent = r.label;
      one.append(emoji, ' ', name, ` ${counts[r.key]}`);
      return one;
    }),
  );
}

// ---------------------------------------------------------------- keyboard shortcuts

/**
 * Keyboard shortcuts on every page (`components/keyboard_shortcuts.rs` lists them): `j`/`k`
 * move between the briefs of a feed, `o` opens the one in focus, `/` goes to the search field,
 * `?` shows or hides the list and Escape hides it. Keys typed into a form field are never
 * taken, nor are keys held with Ctrl, Alt or Meta.
 */
addEventListener('keydown', (ev) => {
  if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey || isTyping(ev.target)) return;
  const help = document.querySelector('.shortcuts');
  switch (ev.key) {
    case 'j':
    case 'k':
      if (moveBetweenBriefs(ev.key === 'j')) ev.preventDefault();
      break;
    case 'o': {
      const link = briefLinks().find((l) => l === document.activeElement);
      if (link) link.click();
      break;
    }
    case '/': {
      const search = document.getElementById('site-search');
      if (search) {
        ev.preventDefault();
        search.focus();
      }
      break;
    }
    case '?':
      if (help) {
        ev.preventDefault();
        help.hidden = !help.hidden;
      }
      break;
    case 'Escape':
      if (help) help.hidden = true;
      break;
  }
});

addEventListener('click', (ev) => {
  const close = ev.target instanceof Element ? ev.target.closest('.shortcuts__close') : null;
  if (close) close.closest('.shortcuts').hidden = true;
});

function isTyping(target) {
  return (
    target instanceof Element &&
    (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) || (target instanceof HTMLElement && target.isContentEditable))
  );
}

/** Each card's title link on a feed, in order. */
function briefLinks() {
  return [...document.querySelectorAll('ol.feed__list article h2 a')];
}

/** Focuses the next or previous brief (the first if none has focus); false if there are none. */
function moveBetweenBriefs(forward) {
  const links = briefLinks();
  if (!links.length) return false;
  const at = links.indexOf(document.activeElement);
  const next = at < 0 ? 0 : forward ? Math.min(at + 1, links.length - 1) : Math.max(at - 1, 0);
  links[next].focus();
  links[next].scrollIntoView({ block: 'nearest' });
  return true;
}

// ---------------------------------------------------------------- marks that change with time

/**
 * One routine over the whole page for what changes with time or with the reader's visits:
 * relative times ("5 minutes ago": `time.relative-time[data-unix][data-exact]`, worded as
 * `model::relative_time` words them on the server), "New since your last visit" marks
 * (`.new-mark[data-at]`, shown when newer than the end of the previous visit) and what goes
 * when a moment passes (`[data-until]`, e.g. one's own comment's Edit link once its window has
 * closed), and the replies to the reader that came since their previous visit
 * (`[data-replies]`). Kept true twice a minute and after every burst of additions to the
 * page, so nothing that adds them has to remember to.
 *
 * Visits live in `localStorage` only (nothing reaches the server): when a page of the site was
 * last open, and for the visit under way when the previous one ended. A visit ends after 30
 * minutes without a page in view, so reloading or moving between pages keeps the marks.
 */
const marks = {
  /** When the previous visit ended (`YYYY-MM-DDTHH:MM:SSZ`, as the server writes times). */
  since: null,

  start() {
    this.since = visits();
    this.refresh();
    setInterval(() => this.refresh(), 30000);
    let queued = false;
    new MutationObserver(() => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => {
        queued = false;
        this.refresh();
      });
    }).observe(document.body, { childList: true, subtree: true });
  },

  refresh() {
    const now = Math.floor(Date.now() / 1000);
    for (const el of document.querySelectorAll('time.relative-time[data-unix]')) {
      const label = relativeTime(Number(el.dataset.unix), now, el.dataset.exact || '');
      if (el.textContent !== label) el.textContent = label;
    }
    for (const el of document.querySelectorAll('.new-mark[data-at]')) {
      const hidden = !(this.since && el.dataset.at > this.since);
      if (el.hidden !== hidden) el.hidden = hidden;
    }
    for (const el of document.querySelectorAll('[data-until]')) {
      if (now >= Number(el.dataset.until) && !el.hidden) el.hidden = true;
    }
    for (const nav of document.querySelectorAll('[data-replies]')) this.repliesToYou(nav);
  },

  /**
   * "N replies to you since your last visit" (`components/comments/section.rs`): of the
   * replies the server listed, only those newer than the previous visit stay, counted.
   */
  repliesToYou(nav) {
    let fresh = 0;
    for (const item of nav.querySelectorAll('li[data-at]')) {
      const old = !(this.since && item.dataset.at > this.since);
      if (item.hidden !== old) item.hidden = old;
      if (!old) fresh += 1;
    }
    const count = nav.querySelector('.replies-to-you__count');
    const said = `${fresh} ${fresh === 1 ? 'reply' : 'replies'} to you since your last visit`;
    if (fresh > 0 && count && count.textContent !== said) count.textContent = said;
    if (nav.hidden !== (fresh === 0)) nav.hidden = fresh === 0;
  },
};

/** "just now", "5 minutes ago", … then the exact time after a week (`model::relative_time`). */
function relativeTime(then, now, exact) {
  const age = now - then;
  const ago = (n, unit) => (n === 1 ? `1 ${unit} ago` : `${n} ${unit}s ago`);
  if (age >= -60 && age <= 44) return 'just now';
  if (age >= 45 && age < 3600) return ago(Math.max(1, Math.floor(age / 60)), 'minute');
  if (age >= 3600 && age < 86400) return ago(Math.floor(age / 3600), 'hour');
  if (age >= 86400 && age < 604800) return ago(Math.floor(age / 86400), 'day');
  return exact;
}

/** Records this visit; answers when the previous one ended (null on a first visit). */
function visits() {
  const LAST_SEEN = 'pulse.lastSeen';
  const SINCE = 'pulse.since';
  let storage;
  try {
    storage = localStorage;
    const now = Math.floor(Date.now() / 1000);
    const last = Number(storage.getItem(LAST_SEEN)) || null;
    let since = null;
    if (last && now - last > 30 * 60) {
      since = `${new Date(last * 1000).toISOString().slice(0, 19)}Z`;
      storage.setItem(SINCE, since);
    } else if (last) {
      since = storage.getItem(SINCE);
    }
    storage.setItem(LAST_SEEN, String(now));
    // Only while the page is in view: a tab forgotten in the background does not keep the
    // visit going for ever.
    setInterval(() => {
      if (!document.hidden) storage.setItem(LAST_SEEN, String(Math.floor(Date.now() / 1000)));
    }, 60000);
    return since;
  } catch {
    // Storage refused (a privacy setting): no marks, nothing else changes.
    return null;
  }
}

// ---------------------------------------------------------------- the desk's inbox

/**
 * An open inbox (`[data-inbox-news]`, `components/desk/inbox_page.rs`) asks every 20 seconds
 * how many items arrived after the newest it shows (`data-after`) and says so in its status
 * line, with a link that brings them in. Only the desk's own page has the element; the
 * question is an editor's (the server checks the session), and a hidden tab does not ask.
 */
const inbox = {
  start() {
    setInterval(() => this.check(), 20000);
  },

  async check() {
    const box = document.querySelector('[data-inbox-news]');
    if (!box || document.hidden) return;
    try {
      const res = await fetch(`/api/inbox_news?after=${encodeURIComponent(box.dataset.after || '0')}`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!res.ok) return;
      const n = Number(await res.json());
      if (!Number.isFinite(n) || n < 1) return;
      const text = box.querySelector('[data-inbox-count]');
      const label = n === 1 ? '1 new item has arrived.' : `${n} new items have arrived.`;
      if (text && text.textContent !== label) text.textContent = label;
      const link = box.querySelector('a[hidden]');
      if (link) link.hidden = false;
    } catch {
      // Offline or signed out: the next check tries again.
    }
  },
};

// ---------------------------------------------------------------- which requests are pages

/** A request of the page router's own: same-site, for a page (`Pulse-Navigation: 1`). */
function ask(url, init = {}, { fragment = false } = {}) {
  const headers = { Accept: 'text/html', [NAV]: '1' };
  // Only a part of the page is wanted: the server does not count it as a page view.
  if (fragment) headers['Pulse-Fragment'] = '1';
  return fetch(url, { ...init, credentials: 'same-origin', headers });
}

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
  const waiting = ev.target instanceof Element ? ev.target.closest('[data-thread] .comments__waiting') : null;
  if (waiting) {
    thread.show();
    return;
  }
  const offer = ev.target instanceof Element ? ev.target.closest('[data-new-briefs] button') : null;
  if (offer) {
    showNewBriefs(offer.closest('[data-new-briefs]'));
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
  if (form.classList.contains('reactions__form')) {
    ev.preventDefault();
    react(form);
    return;
  }
  if (form.id === 'comment-form') {
    ev.preventDefault();
    postComment(form);
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
  const fields = formFields(form, submitter);
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
  if (form.hasAttribute('data-stay')) {
    answerInPlace(form, action, fields).finally(() => {
      form.$$sending = false;
      done();
    });
    return;
  }
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

/**
 * A reaction button (`components/reaction_bar.rs`): pressed or released at once, its count
 * moved, and the change posted in the background. The server's answer only confirms it (the
 * counts everyone sees come back on the live connection); a refusal puts the button back as it
 * was and says why in the bar's alert. One change per button at a time.
 */
async function react(form) {
  if (form.$$sending) return;
  const bar = form.closest('[data-reactions]');
  const button = form.querySelector('button');
  const active = form.querySelector('input[name="active"]');
  const count = form.querySelector('.reactions__count');
  const alert = bar && bar.querySelector('[role="alert"]');
  if (!button || !active || !count) return;
  const fields = formFields(form, null);
  const before = { pressed: button.getAttribute('aria-pressed'), wanted: active.value, count: count.textContent };
  const pressing = active.value === 'true';
  const n = Number(count.textContent) || 0;
  button.setAttribute('aria-pressed', String(pressing));
  active.value = String(!pressing);
  count.textContent = String(pressing ? n + 1 : Math.max(0, n - 1));
  if (alert) alert.textContent = '';
  form.$$sending = true;
  try {
    const res = await ask(form.action, { method: 'POST', body: fields });
    if (!res.ok) throw await refusal(res);
  } catch (error) {
    button.setAttribute('aria-pressed', before.pressed);
    active.value = before.wanted;
    count.textContent = before.count;
    if (alert) alert.textContent = error instanceof Refused ? error.message : UNREACHABLE;
  } finally {
    form.$$sending = false;
  }
}

const UNREACHABLE = 'Pulse could not be reached. Check your connection and try again.';

/** A form the server refused, with the message its answer gave and the field it is about. */
class Refused extends Error {
  constructor(message, field) {
    super(message);
    this.field = field;
  }
}

/** The server's reason for refusing a form, from the bare page it answered with. */
async function refusal(res) {
  let doc = null;
  try {
    doc = new DOMParser().parseFromString(await res.text(), 'text/html');
  } catch {
    // No page to read: the generic message below.
  }
  return doc ? refusalOf(doc) : new Refused('That did not work. Please try again.', null);
}

function refusalOf(doc) {
  const said = doc.querySelector('main p[data-field]');
  const message = [...doc.body.querySelectorAll('h1, p')]
    .map((el) => el.textContent.trim())
    .filter((text) => text && text !== 'Back to Pulse')
    .slice(-1)[0];
  return new Refused(message || 'That did not work. Please try again.', said ? said.dataset.field : null);
}

/**
 * A form whose answer shows inside it (`data-stay`, e.g. the newsletter box): posted in the
 * background, and the status message of the page a browser without scripts would land on
 * goes in the form's `role="status"`, while the reader stays where they are. A refusal shows
 * beside its field (or in the form's alert).
 */
async function answerInPlace(form, action, fields) {
  const status = form.querySelector('[role="status"]');
  if (status) status.textContent = '';
  clearRefusal(form);
  try {
    const res = await ask(action.href, { method: 'POST', body: fields });
    if (!res.ok) {
      showRefusal(form, await refusal(res));
      return;
    }
    let doc = null;
    const moved = res.headers.get('Pulse-Location');
    if (moved) {
      const page = await ask(new URL(moved, action).href, {}, { fragment: true });
      if (page.ok) doc = new DOMParser().parseFromString(await page.text(), 'text/html');
    } else if ((res.headers.get('Content-Type') || '').startsWith('text/html')) {
      doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    }
    const said = doc && [...doc.querySelectorAll('main [role="status"]')].find((el) => el.textContent.trim());
    if (status) status.textContent = said ? said.textContent.trim() : 'Done.';
  } catch {
    showRefusal(form, new Refused(UNREACHABLE, null));
  }
}

/**
 * Shows a refusal where the form would: beside its field when the server named one (the
 * field's first `aria-describedby` element, the field marked invalid), else in the form's
 * alert.
 */
function showRefusal(form, refused) {
  const field = refused.field && form.querySelector(`[name="${CSS.escape(refused.field)}"]`);
  const beside = field && document.getElementById((field.getAttribute('aria-describedby') || '').split(' ')[0]);
  if (field && beside) {
    field.setAttribute('aria-invalid', 'true');
    beside.textContent = refused.message;
    return;
  }
  let alert = form.querySelector('[role="alert"]');
  if (!alert) {
    alert = document.createElement('p');
    alert.className = 'form-error';
    alert.setAttribute('role', 'alert');
    form.prepend(alert);
  }
  alert.textContent = refused.message;
}

/** Takes back what `showRefusal` showed. */
function clearRefusal(form) {
  for (const field of form.querySelectorAll('[aria-invalid]')) {
    const beside = document.getElementById((field.getAttribute('aria-describedby') || '').split(' ')[0]);
    if (beside) beside.textContent = '';
    field.removeAttribute('aria-invalid');
  }
  const alert = form.querySelector('[role="alert"]');
  if (alert) alert.textContent = '';
}

/**
 * The comment form (`components/comments/post_form.rs`): the comment shows at once as
 * pending (as text; the server renders the Markdown), the form is sent in the background, and
 * once the server has it the page moves to it. A refusal takes the pending comment back and
 * says why beside its field, the words still in the form; a retry sends the same key, so an
 * answer lost on the way never makes a second comment.
 */
async function postComment(form) {
  if (form.$$sending) return;
  const fields = formFields(form, null);
  form.$$sending = true;
  const done = sending(form);
  const button = form.querySelector('button[type="submit"]');
  if (button) button.textContent = 'Posting…';
  clearRefusal(form);
  // Nobody sees the honeypot's pretend comment, not even as pending.
  const pending = fields.get('website') ? null : pendingComment(fields.get('name'), fields.get('body'));
  if (pending) form.before(pending);
  thread.posting += 1;
  thread.showWaiting();
  try {
    const res = await ask(form.action, { method: 'POST', body: fields });
    const moved = res.headers.get('Pulse-Location');
    if (!res.ok) throw await refusal(res);
    if (moved) await go(new URL(moved, location.href), { mode: 'push' });
  } catch (error) {
    showRefusal(form, error instanceof Refused ? error : new Refused(UNREACHABLE, null));
  } finally {
    if (pending) pending.remove();
    thread.posting -= 1;
    thread.showWaiting();
    form.$$sending = false;
    if (button) button.textContent = 'Post comment';
    done();
  }
}

/** The reader's comment on its way, as `<ol><li>` with their name and words as text. */
function pendingComment(name, body) {
  const list = document.createElement('ol');
  list.className = 'comments__list comments__list--pending';
  list.innerHTML =
    '<li class="comment comment--pending" aria-busy="true"><article class="comment__card" aria-label="Your comment, posting">' +
    '<header class="comment__meta"><strong class="comment__author"></strong> <span class="comment__status">Posting…</span></header>' +
    '<p class="comment__body comment__body--pending"></p></article></li>';
  list.querySelector('.comment__author').textContent = name || '';
  list.querySelector('.comment__body').textContent = body || '';
  return list;
}

/**
 * A comment field's count as the reader types (`data-max`): "N / max characters", and over
 * the limit a message beside the field before anything is sent.
 */
addEventListener('input', (ev) => {
  const area = ev.target;
  if (!(area instanceof HTMLTextAreaElement) || !area.dataset.max) return;
  const max = Number(area.dataset.max);
  const used = [...area.value.trim()].length;
  const [errorId, , countId] = (area.getAttribute('aria-describedby') || '').split(' ');
  const count = countId && document.getElementById(countId);
  if (count) {
    count.textContent = `${used} / ${max} characters`;
    count.classList.toggle('over', used > max);
  }
  const beside = errorId && document.getElementById(errorId);
  if (!beside) return;
  const over = used - max;
  if (over > 0) {
    area.setAttribute('aria-invalid', 'true');
    beside.textContent = `That is ${over} ${over === 1 ? 'character' : 'characters'} over the limit of ${max}.`;
  } else if (beside.textContent) {
    area.removeAttribute('aria-invalid');
    beside.textContent = '';
  }
});

/** A form's fields as sent (with the pressed button's name and value), files left out. */
function formFields(form, submitter) {
  const fields = new URLSearchParams();
  for (const [name, value] of new FormData(form, submitter)) {
    if (typeof value === 'string') fields.append(name, value);
  }
  return fields;
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
    const res = await ask(link.href, {}, { fragment: true });
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
    const res = await ask(url.href, init);
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
    heard.pageChanged();
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

/** Shows a refused form's message beside it, from the answer's bare page. */
function refused(form, doc) {
  clearRefusal(form);
  showRefusal(form, refusalOf(doc));
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
