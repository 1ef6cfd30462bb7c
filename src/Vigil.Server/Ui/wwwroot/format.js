// Formatting and small presentational components shared by the pages.
import { h } from './dom.js';

const SEVERITIES = ['critical', 'error', 'warning', 'info'];

/** "3m ago", "in 2h", "just now". */
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const diff = Math.round((t - now) / 1000);
  const abs = Math.abs(diff);
  if (abs < 10) return 'just now';
  const text = duration(abs);
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** Seconds → "45s", "3m", "2h 5m", "4d 3h". */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const hrs = Math.floor(m / 60);
  if (hrs < 24) return m % 60 ? `${hrs}h ${m % 60}m` : `${hrs}h`;
  const d = Math.floor(hrs / 24);
  return hrs % 24 ? `${d}d ${hrs % 24}h` : `${d}d`;
}

export function absolute(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
  });
}

/** Alertmanager uses 0001-01-01 for "no end"; treat that (and empty) as missing. */
export function isSet(iso) {
  return !!iso && !iso.startsWith('0001-');
}

/** <time> showing a relative time, absolute on hover; refreshed by tickTimes(). */
export function time(iso) {
  if (!isSet(iso)) return h('span', { class: 'muted' }, '—');
  return h('time', { datetime: iso, title: absolute(iso), class: 'rel' }, relative(iso));
}

/** Re-renders every relative <time> on the page (called every 15 s). */
export function tickTimes(root = document) {
  for (const el of root.querySelectorAll('time.rel')) el.textContent = relative(el.getAttribute('datetime'));
}

export function statusPill(status, attrs = {}) {
  return h('span', { class: `pill pill-${status}`, ...attrs }, status);
}

export function severityBadge(severity) {
  const sev = SEVERITIES.includes(severity) ? severity : 'unknown';
  return h('span', { class: `sev sev-${sev}`, title: `severity ${severity || 'unknown'}` },
    h('span', { class: 'sev-dot', 'aria-hidden': 'true' }), severity || '—');
}

export function priorityBadge(priority) {
  if (!priority) return h('span', { class: 'muted' }, '—');
  return h('span', { class: `prio prio-${priority.toLowerCase()}` }, priority);
}

/** Monospace `name=value` chip. */
export function chip(name, value, op = '=', attrs = {}) {
  return h('span', { class: 'chip', title: `${name}${op}${value}`, ...attrs },
    h('span', { class: 'chip-name' }, name), h('span', { class: 'chip-op' }, op),
    h('span', { class: 'chip-value' }, value));
}

/** Chips for a label set, with `alertname` first and the rest sorted. */
export function labelChips(labels = {}, { skip = [] } = {}) {
  const names = Object.keys(labels || {}).filter(n => !skip.includes(n)).sort((a, b) =>
    a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b));
  if (!names.length) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'chips' }, names.map(n => chip(n, labels[n])));
}

/** Chip for an Alertmanager matcher {name,value,isRegex,isEqual}. */
export function matcherOp(m) {
  const eq = m.isEqual !== false;
  return m.isRegex ? (eq ? '=~' : '!~') : (eq ? '=' : '!=');
}

export function matcherChip(m) {
  return chip(m.name, m.value, matcherOp(m));
}

export function emptyState(title, hint) {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-title' }, title), hint ? h('div', { class: 'empty-hint' }, hint) : null);
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** Empty state for a failed load; a 401 just asks to sign in (the sign-in panel is already open). */
export function errorState(what, err) {
  if (err?.status === 401) return emptyState('Sign in to see ' + what, 'Paste an API token in the panel above.');
  if (err?.status === 403) return emptyState(`Your token may not read ${what}`, err.message);
  return emptyState(`Could not load ${what}`, err?.message);
}

/** Only http(s) links from alert data become clickable (a sender could put `javascript:` in generatorURL). */
export function safeUrl(url) {
  try {
    const u = new URL(String(url), location.href);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * An alert's source (its generatorURL): Vigil's own alerts link a page of this app ('/#/metrics/…' a chart,
 * '/#/slos/…' an SLO), opened in place; a sender's URL (a Prometheus graph) opens in a new tab.
 */
export function sourceLink(url, attrs = {}) {
  const own = /^\/(#\/(metrics|slos)\/[^\s]+)$/.exec(String(url));
  if (own) return h('a', { href: own[1], title: 'Open in Vigil', 'data-testid': 'alert-source', ...attrs }, own[2] === 'metrics' ? 'Chart' : 'SLO');
  return externalLink(url, 'Source ↗', { 'data-testid': 'alert-source', ...attrs });
}

/** External link for alert-provided URLs, or plain text when the URL is not http(s). */
export function externalLink(url, text, attrs = {}) {
  const href = safeUrl(url);
  if (!href) return h('span', { class: 'muted', title: String(url) }, text);
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', title: href, ...attrs }, text);
}
