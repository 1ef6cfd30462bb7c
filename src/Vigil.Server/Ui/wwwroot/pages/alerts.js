// Alerts page: the Alertmanager v2 view of current alerts, with matcher filter and silenced/inhibited toggles.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, severityBadge, emptyState, errorState, loading, sourceLink } from '../format.js';
import { parseMatchers, formatMatcher } from '../matchers.js';
import { link, replaceQuery } from '../router.js';

function mountPage(root, { query, ctx }) {
  let filterText = query.getAll('filter').join(', ');
  let showSilenced = query.get('silenced') === '1';
  let showInhibited = query.get('inhibited') === '1';
  let disposed = false;
  let loaded = false;

  const input = h('input', {
    type: 'search', id: 'alert-filter', value: filterText, 'data-testid': 'alert-filter', spellcheck: 'false',
    placeholder: 'Filter by matchers, e.g. alertname="HighLatency", severity=~"critical|error"', 'aria-label': 'Filter alerts by label matchers',
    'aria-describedby': 'alert-filter-error',
  });
  const filterError = h('div', { id: 'alert-filter-error', class: 'form-errors', hidden: true, role: 'alert' });
  const silencedBox = h('input', { type: 'checkbox', checked: showSilenced, 'data-testid': 'toggle-silenced', onchange: e => { showSilenced = e.target.checked; apply(); } });
  const inhibitedBox = h('input', { type: 'checkbox', checked: showInhibited, 'data-testid': 'toggle-inhibited', onchange: e => { showInhibited = e.target.checked; apply(); } });
  const countEl = h('span', { class: 'count' });
  const body = h('div', { class: 'table-wrap' }, loading('Loading alerts…'));

  const clear = h('button', { type: 'button', class: 'btn btn-ghost', hidden: !filterText, onclick: () => { input.value = ''; filterText = ''; apply(); } }, 'Clear');
  const form = h('form', { class: 'filter-bar', role: 'search', onsubmit: e => { e.preventDefault(); filterText = input.value; apply(); } },
    input,
    h('button', { type: 'submit', class: 'btn' }, 'Filter'),
    clear,
    h('label', { class: 'check' }, silencedBox, 'Silenced'),
    h('label', { class: 'check' }, inhibitedBox, 'Inhibited'));

  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Alerts'), countEl, h('div', { class: 'spacer' }),
      h('a', { href: link('/silences', { new: 1 }), class: 'btn' }, 'New silence')),
    h('section', { class: 'card' }, form, h('div', { style: 'padding:0 1rem' }, filterError), body));
  ctx.setTitle('Alerts');

  function apply() {
    clear.hidden = !filterText.trim();
    const { matchers, errors } = parseMatchers(filterText);
    filterError.hidden = !errors.length;
    mount(filterError, errors.length ? h('ul', {}, errors.map(e => h('li', {}, e))) : null);
    if (errors.length) return;
    replaceQuery({ filter: matchers.map(formatMatcher), silenced: showSilenced ? 1 : null, inhibited: showInhibited ? 1 : null });
    load();
  }

  function addFilter(name, value) {
    const m = formatMatcher({ name, value, isRegex: false, isEqual: true });
    const current = parseMatchers(input.value).matchers.map(formatMatcher);
    if (current.includes(m)) return;
    input.value = [...current, m].join(', ');
    filterText = input.value;
    apply();
  }

  const load = oneAtATime(async () => {
    const asked = [filterText, showSilenced, showInhibited].join('\n');
    const { matchers } = parseMatchers(filterText);
    try {
      const list = await api.alerts({
        filter: matchers.map(formatMatcher), silenced: String(showSilenced), inhibited: String(showInhibited), active: 'true',
      });
      // A filter changed meanwhile has queued its own read: this answer is for the old one.
      if (disposed || asked !== [filterText, showSilenced, showInhibited].join('\n')) return;
      loaded = true;
      render(list || []);
    } catch (err) {
      if (disposed) return;
      if (!loaded) mount(body, errorState('alerts', err));
      if (err.status === 400) {
        filterError.hidden = false;
        mount(filterError, err.message);
      } else ctx.error(err);
    }
  });

  function render(list) {
    countEl.textContent = `${list.length} alert${list.length === 1 ? '' : 's'}`;
    if (!list.length) {
      mount(body, filterText
        ? emptyState('No alerts match this filter', 'Loosen the matchers or include silenced and inhibited alerts.')
        : emptyState('Nothing is firing — all quiet', showSilenced && showInhibited ? null : 'Silenced and inhibited alerts are hidden unless you tick the boxes above.'));
      return;
    }
    const sorted = [...list].sort((a, b) => sevRank(a) - sevRank(b) || (b.startsAt || '').localeCompare(a.startsAt || ''));
    mount(body, h('table', { class: 'table', 'data-testid': 'alerts-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'State'), h('th', { scope: 'col' }, 'Severity'), h('th', { scope: 'col' }, 'Alert'),
        h('th', { scope: 'col' }, 'Labels'), h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col', class: 'col-receivers' }, 'Receivers'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', {}, sorted.map(row))));
  }

  function row(a) {
    const labels = a.labels || {};
    const ann = a.annotations || {};
    const st = a.status || {};
    const silencedBy = st.silencedBy || [];
    const inhibitedBy = st.inhibitedBy || [];
    const names = Object.keys(labels).filter(n => n !== 'alertname' && n !== 'severity').sort();
    return h('tr', { 'data-testid': 'alert-row', 'data-fingerprint': a.fingerprint },
      h('td', { class: 'nowrap' },
        h('span', { class: `pill pill-${st.state === 'active' ? 'firing' : st.state || 'unprocessed'}` }, st.state === 'active' ? 'firing' : st.state || 'unknown'),
        silencedBy.length ? h('div', {}, h('a', { class: 'flag flag-silenced', href: link('/silences'), title: `Silenced by ${silencedBy.join(', ')}` }, 'silenced')) : null,
        inhibitedBy.length ? h('div', {}, h('span', { class: 'flag flag-inhibited', title: `Inhibited by ${inhibitedBy.join(', ')}` }, 'inhibited')) : null),
      h('td', {}, severityBadge(labels.severity)),
      h('td', { class: 'ann-cell' },
        h('div', { class: 'alert-summary' }, labels.alertname || '(no alertname)'),
        ann.summary ? h('div', { class: 'alert-desc' }, ann.summary) : null),
      h('td', {}, h('span', { class: 'chips' }, names.map(n => h('button', {
        type: 'button', class: 'chip', title: `Filter by ${n}="${labels[n]}"`, onclick: () => addFilter(n, labels[n]),
      }, h('span', { class: 'chip-name' }, n), h('span', { class: 'chip-op' }, '='), h('span', { class: 'chip-value' }, labels[n]))))),
      h('td', { class: 'nowrap' }, time(a.startsAt)),
      h('td', { class: 'col-receivers' }, (a.receivers || []).map(r => h('div', {}, h('code', {}, r.name || r)))),
      h('td', { class: 'nowrap' },
        h('a', {
          class: 'btn btn-sm', 'data-testid': 'silence-alert', title: 'Create a silence matching this alert\'s labels',
          href: link('/silences', { new: 1, matcher: Object.keys(labels).sort().map(n => formatMatcher({ name: n, value: labels[n], isRegex: false, isEqual: true })) }),
        }, 'Silence'),
        a.generatorURL ? [' ', sourceLink(a.generatorURL, { class: 'btn btn-sm btn-ghost' })] : null));
  }

  load();
  return {
    refresh: () => load(),
    unmount: () => { disposed = true; },
  };
}

const SEV = { critical: 0, error: 1, warning: 2, info: 3 };
const sevRank = a => SEV[a.labels?.severity] ?? 4;

export { mountPage as mount };
