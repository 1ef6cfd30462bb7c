// Incidents list (default page): status tabs, dense table, live refresh with new/changed rows highlighted.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, statusPill, severityBadge, priorityBadge, labelChips, emptyState, errorState, loading } from '../format.js';
import { link, replaceQuery, navigate } from '../router.js';

const TABS = [
  { key: 'open', label: 'Open', status: 'triggered,acknowledged', count: s => (s.triggered ?? 0) + (s.acknowledged ?? 0) },
  { key: 'triggered', label: 'Triggered', status: 'triggered', count: s => s.triggered },
  { key: 'acknowledged', label: 'Acknowledged', status: 'acknowledged', count: s => s.acknowledged },
  { key: 'resolved', label: 'Resolved', status: 'resolved', count: s => s.resolved },
  { key: 'all', label: 'All', status: '', count: s => (s.triggered ?? 0) + (s.acknowledged ?? 0) + (s.resolved ?? 0) },
];

const PAGE = 100;
const MAX = 500; // the API's largest page

const EMPTY = {
  open: ['No open incidents — all quiet', 'New incidents appear here as soon as alerts fire.'],
  triggered: ['Nothing waiting for a responder', 'Every open incident has been acknowledged.'],
  acknowledged: ['No acknowledged incidents', 'Incidents someone is working on appear here.'],
  resolved: ['No resolved incidents yet', null],
  all: ['No incidents yet', 'Send an alert to /api/v2/alerts or an event to /api/v1/events to get started.'],
};

export function mount_(root, { query, ctx }) {
  let tab = TABS.find(t => t.key === query.get('status')) || TABS[0];
  let known = null;            // Map id → updatedAt of the previous render; null before the first load
  let counts = null;
  let limit = PAGE;
  let disposed = false;

  const tabs = h('nav', { class: 'tabs', 'aria-label': 'Incident status' });
  const body = h('div', { class: 'card table-wrap' }, loading('Loading incidents…'));
  let lastList = [];
  let needle = query.get('q') || '';
  const search = h('input', {
    type: 'search', class: 'incident-search', value: needle, placeholder: 'Filter by title, label, person…',
    'aria-label': 'Filter incidents shown', 'data-testid': 'incident-search',
    oninput: (e) => { needle = e.target.value; syncQuery(); renderTable(lastList, { keepFlash: true }); },
  });
  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Incidents'), tabs, h('div', { class: 'spacer' }), search),
    body);

  function renderTabs() {
    mount(tabs, TABS.map(t => {
      const n = counts ? t.count(counts) : null;
      return h('a', {
        href: link('/incidents', t.key === 'open' ? {} : { status: t.key }),
        'aria-current': t === tab ? 'page' : null, class: 'tab', 'data-testid': `tab-${t.key}`,
        onclick: (e) => { e.preventDefault(); select(t); },
      }, t.label, n != null ? h('span', { class: 'tab-count' }, String(n)) : null);
    }));
  }

  function syncQuery() {
    replaceQuery({ status: tab.key === 'open' ? null : tab.key, q: needle.trim() || null });
  }

  function select(t) {
    tab = t;
    known = null;
    limit = PAGE;
    syncQuery();
    ctx.setTitle(`${t.label} incidents`);
    renderTabs();
    mount(body, loading('Loading incidents…'));
    load();
  }

  const load = oneAtATime(async () => {
    const [asked, askedLimit] = [tab, limit];
    try {
      const [list, summary] = await Promise.all([
        api.incidents(asked.status || undefined, askedLimit),
        api.summary().catch(() => null),
      ]);
      // A tab or "show older" chosen meanwhile has queued its own read: this answer is for a list no longer shown.
      if (disposed || asked !== tab || askedLimit !== limit) return;
      if (summary) { counts = summary.incidents || {}; renderTabs(); }
      renderTable(list || []);
    } catch (err) {
      if (disposed) return;
      if (known === null) mount(body, errorState('incidents', err));
      ctx.error(err);
    }
  });

  function matches(inc, words) {
    const hay = [`#${inc.id}`, inc.title, inc.receiver, inc.acknowledgedBy, inc.severity, inc.priority,
      ...Object.entries(inc.groupLabels || {}).map(([k, v]) => `${k}=${v}`)].join(' ').toLowerCase();
    return words.every(w => hay.includes(w));
  }

  function renderTable(all, { keepFlash = false } = {}) {
    lastList = all;
    const previous = keepFlash ? null : known;
    if (!keepFlash) known = new Map(all.map(i => [i.id, i.updatedAt]));
    if (!all.length) {
      const [title, hint] = EMPTY[tab.key];
      mount(body, emptyState(title, hint));
      return;
    }
    const words = needle.toLowerCase().split(/\s+/).filter(Boolean);
    const list = words.length ? all.filter(inc => matches(inc, words)) : all;
    if (!list.length) {
      mount(body, emptyState(`No incidents match “${needle.trim()}”`, `Only the incidents loaded on the “${tab.label}” tab are searched.`));
      return;
    }
    const rows = list.map(inc => {
      const flash = previous && (!previous.has(inc.id) ? 'row-new' : previous.get(inc.id) !== inc.updatedAt ? 'row-changed' : '');
      const href = link(`/incidents/${inc.id}`);
      return h('tr', {
        class: `incident-row status-${inc.status} ${flash || ''}`, 'data-testid': 'incident-row', 'data-incident-id': inc.id,
        onclick: (e) => { if (!e.target.closest('a, button') && !getSelection().toString()) navigate(href); },
      },
        h('td', { class: 'col-id num' }, h('a', { href, class: 'id-link' }, `#${inc.id}`)),
        h('td', {}, statusPill(inc.status, { 'data-testid': 'incident-status' })),
        h('td', {}, severityBadge(inc.severity)),
        h('td', {}, priorityBadge(inc.priority)),
        h('td', { class: 'col-title' }, h('a', { href, class: 'title-link' }, inc.title || `Incident ${inc.id}`)),
        h('td', { class: 'col-labels' }, labelChips(inc.groupLabels)),
        h('td', { class: 'num', title: `${inc.firingCount} firing of ${inc.alertCount} alerts` },
          h('span', { class: inc.firingCount ? 'firing-count' : 'muted' }, String(inc.firingCount ?? 0)),
          h('span', { class: 'muted' }, ` / ${inc.alertCount ?? 0}`)),
        h('td', { class: 'nowrap' }, time(inc.createdAt)),
        h('td', { class: 'nowrap' }, inc.acknowledgedBy
          ? h('span', { title: inc.acknowledgedAt ? `acknowledged ${new Date(inc.acknowledgedAt).toLocaleString()}` : null }, inc.acknowledgedBy)
          : inc.status === 'triggered'
            ? quickAck(inc)
            : h('span', { class: 'muted' }, '—')));
    });
    mount(body, h('table', { class: 'table incidents-table', 'data-testid': 'incidents-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Severity'),
        h('th', { scope: 'col' }, 'Prio'), h('th', { scope: 'col' }, 'Title'), h('th', { scope: 'col' }, 'Group'),
        h('th', { scope: 'col', class: 'num', title: 'firing / total alerts' }, 'Alerts'), h('th', { scope: 'col' }, 'Age'),
        h('th', { scope: 'col' }, 'Acked by'))),
      h('tbody', {}, rows)),
      all.length >= limit ? h('div', { class: 'table-foot muted' },
        limit < MAX
          ? h('button', { type: 'button', class: 'btn btn-sm', 'data-testid': 'load-more', onclick: () => { limit = Math.min(MAX, limit + PAGE); load(); } }, 'Show older incidents')
          : `Showing the newest ${MAX} incidents; use the CLI or API for older ones.`) : null);
  }

  /** Acknowledge straight from the list: the most common action during a page. */
  function quickAck(inc) {
    const button = h('button', {
      type: 'button', class: 'btn btn-sm btn-ack', 'data-testid': 'row-ack-button', title: `Acknowledge #${inc.id}`,
      onclick: async () => {
        button.disabled = true;
        try {
          await api.incidentAction(inc.id, 'acknowledge');
          ctx.refreshSummary();
        } catch (err) {
          ctx.error(err, `Could not acknowledge incident #${inc.id}`);
        }
        load();
      },
    }, 'Ack');
    return button;
  }

  ctx.setTitle(`${tab.label} incidents`);
  renderTabs();
  load();
  return {
    refresh: () => load(),
    unmount: () => { disposed = true; },
  };
}

export { mount_ as mount };
