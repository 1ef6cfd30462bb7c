// Vigil web UI entry point: top bar, banners, sign-in, routing and live updates.
import { api, token, onUnauthorized } from './api.js';
import { h, mount } from './dom.js';
import { tickTimes } from './format.js';
import { route, current, resolve } from './router.js';
import { startLive, oneAtATime } from './live.js';

route('/incidents', () => import('./pages/incidents.js'));
route('/incidents/:id', () => import('./pages/incident.js'));
route('/alerts', () => import('./pages/alerts.js'));
route('/silences', () => import('./pages/silences.js'));
route('/logs', () => import('./pages/logs.js'));
route('/logs/:source/:id', () => import('./pages/logs.js'));
route('/metrics', () => import('./pages/metrics.js'));
route('/metrics/:id', () => import('./pages/metrics.js'));
route('/slos', () => import('./pages/slos.js'));
route('/slos/:name', () => import('./pages/slos.js'));
route('/oncall', () => import('./pages/oncall.js'));
route('/inbox', () => import('./pages/inbox.js'));

const $ = id => document.getElementById(id);
const main = $('main');
let page = null;        // {refresh(detail), unmount()} of the mounted page
let pageSeq = 0;        // guards against a slow import finishing after the user navigated away
let devMode = false;
let live = null;
let pageTitle = '';
let triggeredCount = 0;

/** "(3) Incidents · Vigil": the number of triggered incidents shows in background tabs. */
function applyTitle() {
  document.title = (triggeredCount ? `(${triggeredCount}) ` : '') + (pageTitle ? `${pageTitle} · Vigil` : 'Vigil');
}

// ---------- banners ----------
const banners = $('banners');

/** Shows a dismissible banner; kind 'error' | 'info' | 'success'. Same text is not stacked twice. */
function banner(message, kind = 'error', { timeout } = {}) {
  for (const b of [...banners.children]) if (b.dataset.text === message) b.remove();
  const el = h('div', { class: `banner banner-${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': `banner-${kind}`, dataset: { text: message } },
    h('span', { class: 'banner-text' }, message),
    h('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: () => el.remove() }, '×'));
  banners.append(el);
  if (timeout) setTimeout(() => el.remove(), timeout);
  return el;
}

function showError(err, prefix) {
  if (err?.status === 401) return; // the sign-in panel handles it
  let text = err?.message || String(err);
  if (err?.status === 403) text = `Not allowed: ${text}`;
  // `detail` already summarises `errors` ("2 problems: a; b"), so it is shown as is.
  banner(prefix ? `${prefix}: ${text}` : text, 'error');
}

const ctx = {
  error: showError,
  info: (msg) => banner(msg, 'success', { timeout: 4000 }),
  setTitle: (title) => { pageTitle = title || ''; applyTitle(); },
  refreshSummary: () => refreshSummary(),
  get devMode() { return devMode; },
};

// ---------- sign-in ----------
const signin = $('signin');

function openSignin(reason) {
  if (reason) $('signin-reason').textContent = reason;
  $('signin-clear').hidden = !token.get();
  if (!signin.hidden) return; // already open: keep the user's focus where it is
  signin.hidden = false;
  $('signin-token').focus();
}

onUnauthorized(() => {
  openSignin(token.get() ? 'The stored API token was rejected (unknown or revoked).' : 'This Vigil server needs an API token.');
});

$('signin-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = $('signin-token').value.trim();
  if (!value) return;
  token.set(value);
  $('signin-token').value = '';
  signin.hidden = true;
  for (const b of [...banners.children]) b.remove();
  live?.restart();
  refreshWho();
  refreshSummary();
  render();
});
$('signin-cancel').addEventListener('click', () => { signin.hidden = true; });
signin.addEventListener('keydown', (e) => { if (e.key === 'Escape') signin.hidden = true; });
$('signin-clear').addEventListener('click', () => {
  token.set('');
  signin.hidden = true;
  refreshWho();
  live?.restart();
  render();
});
$('whoami').addEventListener('click', () => (signin.hidden ? openSignin() : (signin.hidden = true)));

async function refreshWho() {
  const btn = $('whoami');
  try {
    const who = await api.whoami();
    btn.textContent = `${who.name} · ${who.role}`;
    btn.title = devMode || who.devMode ? 'Demo mode: no token needed' : 'Signed in with an API token — click to change';
  } catch {
    btn.textContent = 'Sign in';
  }
}

// ---------- top bar summary ----------
// One fetch at a time, and a change during one fetches again (it used to be dropped: the bar could stay a change behind).
const refreshSummary = oneAtATime(async () => {
  const el = $('summary');
  try {
    const s = await api.summary();
    devMode = !!s.devMode;
    el.hidden = false;
    $('demo-badge').hidden = !devMode;
    $('nav-inbox').hidden = !s.demo;
    const inc = s.incidents || {};
    const sev = s.bySeverity || {};
    const firing = s.firingAlerts ?? 0;
    triggeredCount = inc.triggered ?? 0;
    applyTitle();
    const critical = sev.critical ?? 0;
    el.dataset.level = critical > 0 ? 'critical' : firing > 0 ? 'firing' : 'quiet';
    el.title = Object.entries(sev).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing firing';
    mount(el,
      h('span', { class: 'sum-firing', 'data-testid': 'summary-firing' },
        h('span', { class: 'sum-dot', 'aria-hidden': 'true' }),
        h('strong', {}, String(firing)), ` firing`,
        critical ? h('span', { class: 'sum-crit' }, ` (${critical} critical)`) : null),
      h('span', { class: 'sum-sep', 'aria-hidden': 'true' }),
      h('span', { class: 'sum-item sum-triggered', title: 'Triggered incidents', 'data-short': 'trig' }, h('strong', {}, String(inc.triggered ?? 0)), h('span', { class: 'sum-word' }, 'triggered')),
      h('span', { class: 'sum-item sum-acknowledged', title: 'Acknowledged incidents', 'data-short': 'ack' }, h('strong', {}, String(inc.acknowledged ?? 0)), h('span', { class: 'sum-word' }, 'acked')));
  } catch (err) {
    if (err.status === 401) el.hidden = true;
    else { el.hidden = false; el.dataset.level = 'unknown'; mount(el, h('span', {}, 'summary unavailable')); }
  }
});

// ---------- routing ----------
async function render() {
  const seq = ++pageSeq;
  const where = current();
  const section = where.path.split('/')[1] || 'incidents';
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const match = resolve(where);
  page?.unmount?.();
  page = null;
  if (!match) {
    ctx.setTitle('Not found');
    mount(main, h('div', { class: 'empty' }, h('div', { class: 'empty-title' }, 'Page not found'),
      h('div', { class: 'empty-hint' }, h('a', { href: '#/incidents' }, 'Go to incidents'))));
    return;
  }
  let mod;
  try {
    mod = await match.load();
  } catch (err) {
    showError(err, 'Could not load page');
    return;
  }
  if (seq !== pageSeq) return;
  const root = h('div', { class: 'page' });
  mount(main, root);
  page = mod.mount(root, { params: match.params, query: where.query, ctx }) || null;
}

// The skip link must not change the hash (that is the router's).
document.querySelector('.skip-link').addEventListener('click', (e) => { e.preventDefault(); main.focus(); });

window.addEventListener('hashchange', () => {
  render();
  main.focus({ preventScroll: true });
  window.scrollTo(0, 0);
});

// ---------- live updates ----------
let pending = null;
let pendingIds = new Set();
function onChange(detail) {
  for (const id of detail?.incidents || []) pendingIds.add(id);
  if (detail?.poll) pendingIds.add('*');
  if (pending) return;
  // Coalesce bursts (an ingest of 50 alerts is 50 events) into one refetch.
  pending = setTimeout(() => {
    const ids = pendingIds;
    pending = null;
    pendingIds = new Set();
    refreshSummary();
    page?.refresh?.({ incidents: [...ids].filter(x => x !== '*'), poll: ids.has('*') });
  }, 250);
}

function onLiveState(state) {
  const el = $('live-state');
  el.dataset.state = state;
  el.querySelector('.live-text').textContent = state;
  el.title = {
    live: 'Live: updates stream from the server',
    polling: 'Live stream unavailable — refreshing every 15 s',
    connecting: 'Connecting to live updates…',
  }[state] || state;
}

setInterval(() => tickTimes(), 15000);

refreshSummary().then(refreshWho);
render();
live = startLive(onChange, onLiveState);
