// Logs page: each source's templates with per-minute sparklines (newest / rarest / most frequent first), and a
// template detail view with its example lines. Data from GET /api/v1/logs/*.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, emptyState, errorState, loading } from '../format.js';
import { link, replaceQuery } from '../router.js';

const SORTS = [
  { key: 'newest', label: 'Newest' },
  { key: 'rarest', label: 'Rarest' },
  { key: 'count', label: 'Most lines' },
];
const SVG = 'http://www.w3.org/2000/svg';

/** Inline SVG sparkline of per-minute counts (oldest first). Built with createElementNS: h() makes HTML elements. */
export function sparkline(counts, { width = 120, height = 24 } = {}) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('data-testid', 'log-sparkline');
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${total} lines in the last ${counts.length} minutes, at most ${max} per minute`);
  const step = counts.length > 1 ? width / (counts.length - 1) : width;
  const points = counts.map((c, i) => `${(i * step).toFixed(1)},${(height - 1 - (c / max) * (height - 2)).toFixed(1)}`).join(' ');
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', points);
  line.setAttribute('fill', 'none');
  line.setAttribute('stroke', 'currentColor');
  line.setAttribute('stroke-width', '1.5');
  svg.append(line);
  return svg;
}

function levelBadge(t) {
  const level = t.level || (t.looksLikeError ? 'error' : '');
  if (!level && !t.looksLikeError) return h('span', { class: 'muted' }, '—');
  const cls = t.looksLikeError || level === 'error' || level === 'fatal' ? 'sev sev-error' : level === 'warn' ? 'sev sev-warning' : 'sev sev-info';
  return h('span', { class: cls, 'data-testid': 'log-level' }, level || 'error-like');
}

function templateText(text) {
  // Variables stand out so the constant words read as the pattern.
  return h('code', { class: 'log-template' }, text.split(/(<\*>)/).map(part => part === '<*>' ? h('span', { class: 'log-var' }, '<*>') : part));
}

function mountList(root, { query, ctx }) {
  let disposed = false;
  let sort = SORTS.some(s => s.key === query.get('sort')) ? query.get('sort') : 'newest';
  const only = query.get('source') || '';
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading log patterns…')));
  const toggles = h('div', { class: 'tabs', role: 'group', 'aria-label': 'Order' },
    SORTS.map(s => h('button', {
      type: 'button', class: 'tab', 'data-testid': `logs-sort-${s.key}`, 'aria-current': s.key === sort ? 'page' : null,
      onclick: () => { sort = s.key; replaceQuery({ sort, source: only }); syncToggles(); load(); },
    }, s.label)));
  const syncToggles = () => {
    for (const b of toggles.children) {
      if (b.getAttribute('data-testid') === `logs-sort-${sort}`) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
    }
  };
  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'Logs'), h('div', { class: 'spacer' }), toggles), body);
  ctx.setTitle('Logs');

  const load = oneAtATime(async () => {
    try {
      const sources = (await api.logSources()).filter(s => !only || s.source === only);
      const lists = await Promise.all(sources.map(s => api.logTemplates(s.source, sort, 50)));
      if (disposed) return;
      if (!sources.length) {
        mount(body, h('div', { class: 'card', 'data-testid': 'logs-empty' },
          emptyState('No logs yet', 'POST lines to /api/v1/logs?source=… or point a Loki JSON client at /loki/api/v1/push.')));
        return;
      }
      mount(body, sources.map((s, i) => sourceCard(s, lists[i])));
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('log patterns', err)));
    }
  });

  function sourceCard(source, list) {
    return h('section', { class: 'card', 'data-testid': 'logs-source', 'data-source': source.source },
      h('h2', { class: 'card-title' }, source.source, ' ',
        h('span', { class: 'muted' }, `${source.templates} patterns · ${source.lines.toLocaleString()} lines`)),
      h('table', { class: 'table', 'data-testid': 'log-templates' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Last hour'), h('th', {}, 'Pattern'), h('th', {}, 'Level'), h('th', { class: 'num' }, 'Lines'),
          h('th', {}, 'First seen'), h('th', {}, 'Last seen'))),
        h('tbody', {}, list.templates.map(t => h('tr', { 'data-testid': 'log-template-row', 'data-template-id': t.id },
          h('td', {}, sparkline(t.perMinute)),
          h('td', {}, h('a', { href: link(`/logs/${encodeURIComponent(source.source)}/${t.id}`), 'data-testid': 'log-template-link' }, templateText(t.template))),
          h('td', {}, levelBadge(t)),
          h('td', { class: 'num' }, t.count.toLocaleString()),
          h('td', { class: 'nowrap' }, time(t.firstSeen)),
          h('td', { class: 'nowrap' }, time(t.lastSeen)))))));
  }

  load();
  return { refresh: () => load(), unmount: () => { disposed = true; } };
}

function mountDetail(root, { params, ctx }) {
  let disposed = false;
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading template…')));
  mount(root, h('div', { class: 'page-head' },
    h('a', { href: link('/logs', { source: params.source }), class: 'btn btn-ghost' }, '← ', params.source)), body);

  const load = oneAtATime(async () => {
    try {
      const t = await api.logTemplate(params.source, params.id);
      if (disposed) return;
      ctx.setTitle(`Log pattern ${t.id}`);
      mount(body, h('div', { class: 'card', 'data-testid': 'log-template-detail', 'data-template-id': t.id },
        h('h1', {}, templateText(t.template)),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Source'), h('dd', {}, t.source),
          h('dt', {}, 'Service'), h('dd', {}, t.service),
          h('dt', {}, 'Level'), h('dd', {}, levelBadge(t)),
          h('dt', {}, 'Lines'), h('dd', { 'data-testid': 'log-template-count' }, t.count.toLocaleString()),
          h('dt', {}, 'First seen'), h('dd', {}, time(t.firstSeen)),
          h('dt', {}, 'Last seen'), h('dd', {}, time(t.lastSeen)),
          h('dt', {}, 'Last hour'), h('dd', {}, sparkline(t.perMinute, { width: 360, height: 48 }))),
        h('h2', {}, 'Example lines'),
        h('ol', { class: 'log-examples', 'data-testid': 'log-examples' },
          t.examples.map(e => h('li', {}, h('code', { 'data-testid': 'log-example' }, e))))));
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('this log pattern', err)));
    }
  });

  load();
  return { refresh: () => load(), unmount: () => { disposed = true; } };
}

/** One module for both routes: '#/logs' and '#/logs/:source/:id'. */
function mountPage(root, args) {
  return args.params.id ? mountDetail(root, args) : mountList(root, args);
}

export { mountPage as mount };
