// SLOs page: per service all its SLOs at a glance (SLI, objective, error budget, burn rates, change freeze), and per
// SLO each objective with a burn-down chart across its window. Data from GET /api/v1/slos, /api/v1/freezes and
// /api/v1/slos/{name}/burndown. Budgets move every minute without an alert changing, so the page also re-reads every 15 s.
import { api } from '../api.js';
import { oneAtATime, writesInFlight } from '../live.js';
import { h, mount } from '../dom.js';
import { time, duration, emptyState, errorState, loading } from '../format.js';
import { link } from '../router.js';
import { svg, timeAxis } from '../chart.js';

const REFRESH_MS = 15000;

/** A ratio (0..1) as a percentage: 0.9995 → "99.95%". */
export function ratio(v) {
  return v == null ? '—' : `${(100 * v).toFixed(2)}%`;
}

export function percent(v) {
  return v == null ? '—' : `${v.toFixed(2)}%`;
}

/** A budget amount in its unit: events (up to two decimals) or minutes ("1h 12m"). */
export function amount(v, unit) {
  if (v == null) return '—';
  if (unit === 'minutes') return (v < 0 ? '−' : '') + duration(Math.abs(v) * 60);
  const rounded = Math.abs(v) >= 100 ? Math.round(v) : +v.toFixed(2);
  return `${rounded.toLocaleString()} ${Math.abs(rounded) === 1 ? 'event' : 'events'}`;
}

/** A burn rate as a chip, warm from 1× (the budget runs out within the window) and hot from 6× (the Workbook's page rate). */
function burnChip(rate, { label = true } = {}) {
  const v = rate.burnRate;
  const cls = v == null ? '' : v >= 6 ? ' burn-hot' : v >= 1 ? ' burn-warm' : '';
  return h('span', { class: `burn${cls}`, 'data-testid': 'slo-burn-rate', 'data-window': rate.window, title: `burn rate over ${rate.window}` },
    label ? h('span', { class: 'burn-window' }, rate.window) : null, v == null ? '—' : `${+v.toFixed(2)}×`);
}

function budgetBar(budget) {
  const left = budget.remainingPercent;
  const width = left == null ? 0 : Math.max(0, Math.min(100, left));
  const cls = left == null ? '' : left <= 0 ? ' out' : left < 25 ? ' low' : '';
  return h('span', { class: 'budget-bar', 'aria-hidden': 'true' }, h('span', { class: `budget-fill${cls}`, style: `width:${width}%` }));
}

function frozenBadge(freeze) {
  const exempt = freeze?.exemption;
  if (exempt && freeze.reasons?.length) {
    return h('span', { class: 'pill pill-acknowledged', 'data-testid': 'slo-exempt', title: `${exempt.reason} (by ${exempt.createdBy})` },
      'budget exhausted · changes exempt, ends ', time(exempt.end));
  }
  if (!freeze?.frozen) return h('span', { class: 'pill pill-resolved', 'data-testid': 'slo-not-frozen' }, 'not frozen');
  const why = freeze.reasons.map(r => `${r.slo} (${r.objectiveName}): budget exhausted`).join('; ');
  return h('span', { class: 'pill pill-triggered pill-frozen', 'data-testid': 'slo-frozen', title: why }, 'change-frozen since ', freeze.since ? time(freeze.since) : null);
}

function sourceBadge(source) {
  if (source.type !== 'prometheus') return h('span', { class: 'muted', 'data-testid': 'slo-source-state', 'data-state': 'events' }, 'events');
  const cls = source.state === 'error' ? 'sev sev-error' : source.state === 'ok' ? 'sev sev-info' : 'sev sev-warning';
  return h('span', { class: cls, 'data-testid': 'slo-source-state', 'data-state': source.state, title: source.lastError || source.note || '' },
    `prometheus: ${source.state.replace('_', ' ')}`);
}

function firingBadge(firing) {
  if (!firing) return h('span', { class: 'muted' }, '—');
  const sev = firing === 'page' || firing === 'critical' ? 'critical' : 'warning';
  return h('span', { class: `sev sev-${sev}`, 'data-testid': 'slo-firing' }, h('span', { class: 'sev-dot', 'aria-hidden': 'true' }), firing);
}

function objectiveRows(slo) {
  return slo.objectives.map((o, i) => {
    const b = o.errorBudget;
    return h('tr', { 'data-testid': 'slo-row', 'data-slo': slo.name, 'data-objective': o.index },
      h('td', {}, i === 0 ? h('a', { href: link(`/slos/${encodeURIComponent(slo.name)}`), class: 'slo-name', 'data-testid': 'slo-link' }, slo.displayName || slo.name) : null,
        slo.objectives.length > 1 ? h('div', { class: 'slo-objective-name' }, o.name) : null),
      h('td', { class: 'num', 'data-testid': 'slo-objective' }, ratio(o.target)),
      h('td', { class: 'num', 'data-testid': 'slo-sli' }, ratio(o.sli)),
      h('td', { class: 'nowrap', 'data-testid': 'slo-budget-remaining' }, budgetBar(b), percent(b.remainingPercent)),
      h('td', { class: 'nowrap', 'data-testid': 'slo-budget-consumed' }, `${amount(b.consumed, b.unit)} of ${amount(b.total, b.unit)}`,
        h('div', { class: 'muted' }, `${amount(b.remaining, b.unit)} left`)),
      h('td', {}, h('span', { class: 'burns' }, o.burnRates.map(burnChip))),
      h('td', {}, firingBadge(o.firing), o.freeze ? h('div', { class: 'muted' }, 'budget exhausted') : null),
      h('td', {}, i === 0 ? sourceBadge(slo.source) : null));
  });
}

function mountList(root, { ctx }) {
  let disposed = false;
  let draft = null; // the exemption form being filled in: {service, reason, for, error}
  const writes = writesInFlight(); // an exemption granted or revoked: re-reads wait for it
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading SLOs…')));
  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'SLOs')), body);
  ctx.setTitle('SLOs');

  const load = oneAtATime(async () => {
    try {
      const [list, freezes] = await Promise.all([api.slos(), api.freezes()]);
      if (disposed || writes.busy) return;
      if (!list.slos.length) {
        mount(body, h('div', { class: 'card', 'data-testid': 'slos-empty' },
          emptyState('No SLOs configured', 'List OpenSLO files under slos.files in the configuration (see docs/slo.md).')));
        return;
      }
      const byService = new Map();
      for (const slo of list.slos) {
        if (!byService.has(slo.service)) byService.set(slo.service, []);
        byService.get(slo.service).push(slo);
      }
      const freezeOf = new Map(freezes.services.map(s => [s.service, s]));
      const services = [...byService.keys()].sort((a, b) => (freezeOf.get(b)?.frozen ? 1 : 0) - (freezeOf.get(a)?.frozen ? 1 : 0) || a.localeCompare(b));
      const focused = document.activeElement?.dataset?.testid; // a re-read must not take the focus out of the exemption form
      mount(body, services.map(service => h('section', { class: 'card slo-service section', 'data-testid': 'slo-service', 'data-service': service },
        h('div', { class: 'section-head' }, h('h2', {}, service), frozenBadge(freezeOf.get(service)), exemptionControls(service, freezeOf.get(service))),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table slo-table' },
          h('thead', {}, h('tr', {}, h('th', {}, 'SLO'), h('th', { class: 'num' }, 'Objective'), h('th', { class: 'num' }, 'SLI'),
            h('th', {}, 'Budget left'), h('th', {}, 'Budget spent'), h('th', {}, 'Burn rates'), h('th', {}, 'Alerting'), h('th', {}, 'SLI source'))),
          h('tbody', {}, byService.get(service).map(objectiveRows)))))));
      if (draft?.opened) {
        draft.opened = false;
        body.querySelector('[data-testid="slo-exempt-reason"]')?.focus();
      } else if (focused) body.querySelector(`[data-testid="${focused}"]`)?.focus();
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('SLOs', err)));
    }
  });

  /**
   * "Let changes through…" on a frozen service (a form: reason, how long) and "Revoke" on an exempt one. The page
   * re-reads every 15 s and on live updates, so the form's entries live in `draft`, not in the DOM it rebuilds.
   */
  function exemptionControls(service, freeze) {
    if (freeze?.exemption) {
      const revoke = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'slo-exempt-revoke', onclick: async () => {
        if (!confirm(`Revoke the exemption? ${service}'s changes wait for its error budget again.`)) return;
        revoke.disabled = true;
        try {
          await writes.track(() => api.revokeExemption(service, freeze.exemption.id));
        } catch (err) {
          revoke.disabled = false;
          ctx.error(err, 'Could not revoke the exemption');
        }
        load();
      } }, 'Revoke exemption');
      return revoke;
    }
    if (!freeze?.frozen) return null;
    if (draft?.service !== service) {
      return h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'slo-exempt-open',
        title: 'Let changes through the freeze for a while, e.g. the release that fixes the outage',
        onclick: () => { draft = { service, reason: '', for: '1h', error: '', opened: true }; load(); } }, 'Let changes through…');
    }
    const reason = h('input', { type: 'text', required: true, value: draft.reason, placeholder: 'which change, and why', 'aria-label': 'Reason',
      'data-testid': 'slo-exempt-reason', maxlength: 1000, oninput: e => { draft.reason = e.target.value; } });
    const length = h('select', { 'aria-label': 'For how long', 'data-testid': 'slo-exempt-for', onchange: e => { draft.for = e.target.value; } },
      ['30m', '1h', '2h', '4h', '1d'].map(v => h('option', { value: v, selected: v === draft.for }, v)));
    const submit = h('button', { type: 'submit', class: 'btn', 'data-testid': 'slo-exempt-submit' }, 'Exempt');
    const form = h('form', { class: 'row', 'data-testid': 'slo-exempt-form', onsubmit: async ev => {
      ev.preventDefault();
      const sent = draft; // Cancel, or a form opened for another service meanwhile, replaces it
      submit.disabled = true;
      try {
        await writes.track(() => api.exemptFreeze(service, { reason: sent.reason, for: sent.for }));
        if (draft === sent) draft = null;
      } catch (err) {
        sent.error = err.message;
      }
      load();
    } }, reason, length, submit,
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { draft = null; load(); } }, 'Cancel'),
    draft.error ? h('span', { class: 'hint', 'data-testid': 'slo-exempt-error', style: 'color:var(--critical)' }, draft.error) : null);
    return form;
  }

  load();
  const timer = setInterval(load, REFRESH_MS);
  return { refresh: () => load(), unmount: () => { disposed = true; clearInterval(timer); } };
}

/**
 * Burn-down chart as inline SVG: budget left (%) from the window start to now (line and area), the ideal straight
 * line from 100% at the start to 0% at the window end (dashed), and 0% (dotted red).
 */
export function burnDownChart(data, { width = 900, height = 220 } = {}) {
  const pad = { l: 48, r: 12, t: 10, b: 22 };
  const x0 = Date.parse(data.window.start);
  const x1 = Math.max(x0 + 1, Date.parse(data.window.end));
  const pts = data.points.filter(p => p.remainingPercent != null).map(p => ({ x: Date.parse(p.t), y: p.remainingPercent }));
  const y0 = Math.min(0, ...pts.map(p => p.y));
  const y1 = 100;
  const X = x => (pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r)).toFixed(1);
  const Y = y => (pad.t + (1 - (y - y0) / (y1 - y0)) * (height - pad.t - pad.b)).toFixed(1);
  const last = pts[pts.length - 1];
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'slo-chart', 'data-testid': 'slo-burndown', role: 'img',
    'aria-label': last ? `error budget left: ${last.y.toFixed(2)}% now` : 'no budget yet' });
  for (const v of [y0, y0 + (y1 - y0) / 2, y1]) {
    root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), class: 'chart-grid' }));
    const label = svg('text', { x: pad.l - 6, y: +Y(v) + 4, 'text-anchor': 'end', class: 'chart-label' });
    label.textContent = `${Math.round(v)}%`;
    root.append(label);
  }
  timeAxis(root, { t0: x0, t1: x1, X, bottom: height - pad.b, height });
  root.append(svg('line', { x1: X(x0), y1: Y(100), x2: X(x1), y2: Y(0), class: 'chart-ideal', 'data-testid': 'slo-burndown-ideal' }));
  if (y0 < 0) root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: Y(0), y2: Y(0), class: 'chart-zero' }));
  if (pts.length) {
    const line = pts.map(p => `${X(p.x)},${Y(p.y)}`).join(' ');
    root.append(svg('polygon', { points: `${X(pts[0].x)},${Y(y0)} ${line} ${X(last.x)},${Y(y0)}`, class: 'chart-area' }));
    root.append(svg('polyline', { points: line, class: 'chart-remaining', 'data-testid': 'slo-burndown-line' }));
    const title = svg('title');
    title.textContent = `${last.y.toFixed(2)}% of the budget left at ${new Date(last.x).toLocaleString()}`;
    root.append(title);
  }
  return root;
}

function objectiveCard(slo, o, burnDown) {
  const b = o.errorBudget;
  const windowsRow = h('tr', {}, o.burnRates.map(r => h('th', { class: 'num' }, r.window)));
  const ratesRow = h('tr', {}, o.burnRates.map(r => h('td', { class: 'num' }, burnChip(r, { label: false }))));
  return h('section', { class: 'card card-pad slo-objective-card', 'data-testid': 'slo-objective-card', 'data-objective': o.index },
    h('h2', {}, slo.objectives.length > 1 ? `Objective ${o.name}: ` : 'Objective: ', ratio(o.target),
      o.timeSliceWindow ? h('span', { class: 'muted' }, ` (slices of ${o.timeSliceWindow}${o.timeSliceTarget != null ? `, each ≥ ${ratio(o.timeSliceTarget)}` : ''})`) : null),
    h('dl', { class: 'facts' },
      h('dt', {}, 'SLI'), h('dd', { 'data-testid': 'slo-detail-sli' }, ratio(o.sli)),
      h('dt', {}, 'Error budget'), h('dd', { 'data-testid': 'slo-detail-total' }, amount(b.total, b.unit)),
      h('dt', {}, 'Spent'), h('dd', { 'data-testid': 'slo-detail-consumed' }, `${amount(b.consumed, b.unit)} (${percent(b.consumedPercent)})`),
      h('dt', {}, 'Left'), h('dd', { 'data-testid': 'slo-detail-remaining' }, budgetBar(b), `${percent(b.remainingPercent)} · ${amount(b.remaining, b.unit)}`),
      o.freeze ? [h('dt', {}, 'Freeze'), h('dd', {}, 'budget exhausted ', time(o.freeze.since), `: lifts above ${o.freeze.unfreezeAbovePercent}% left`)] : null),
    h('h3', {}, 'Burn-down across the window'),
    burnDown ? burnDownChart(burnDown) : h('div', { class: 'muted' }, 'no burn-down'),
    h('p', { class: 'muted chart-legend' }, 'Line: error budget left · dashed: spending it evenly over the window · dotted red: none left'),
    h('h3', {}, 'Burn rates'),
    h('div', { class: 'table-wrap' }, h('table', { class: 'table' }, h('thead', {}, windowsRow), h('tbody', {}, ratesRow))),
    o.alertRules.length ? [h('h3', { class: 'section' }, 'Multi-window alerts (SRE Workbook)'), h('table', { class: 'table', 'data-testid': 'slo-rules' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Severity'), h('th', {}, 'Long window'), h('th', {}, 'Short window'), h('th', { class: 'num' }, 'Above'), h('th', {}, 'State'))),
      h('tbody', {}, o.alertRules.map(r => h('tr', {}, h('td', {}, r.severity), h('td', {}, r.longWindow), h('td', {}, r.shortWindow),
        h('td', { class: 'num' }, `${+r.factor.toFixed(2)}×`), h('td', {}, r.firing ? firingBadge(r.severity) : h('span', { class: 'muted' }, 'ok'))))))] : null,
    o.conditions.length ? [h('h3', { class: 'section' }, 'Alert policies'), h('table', { class: 'table', 'data-testid': 'slo-conditions' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Policy'), h('th', {}, 'Condition'), h('th', {}, 'Severity'), h('th', {}, 'Burn rate now'), h('th', {}, 'State'))),
      h('tbody', {}, o.conditions.map(c => h('tr', {}, h('td', {}, c.policy), h('td', {}, `burn rate over ${c.lookbackWindow} ${c.op} ${c.threshold} for ${c.alertAfter}`),
        h('td', {}, c.severity), h('td', { class: 'num' }, c.burnRate == null ? '—' : `${+c.burnRate.toFixed(2)}×`),
        h('td', {}, c.alert ? firingBadge(c.alert === 'no_data' ? 'no data' : c.severity) : c.breaching ? 'pending' : h('span', { class: 'muted' }, 'ok'))))))] : null);
}

function sourceFacts(source) {
  if (source.type !== 'prometheus') return [h('dt', {}, 'SLI source'), h('dd', {}, 'native events (POST /api/v1/sli-events)')];
  return [
    h('dt', {}, 'SLI source'), h('dd', { 'data-testid': 'slo-source' }, sourceBadge(source),
      source.readThrough ? h('span', { class: 'muted' }, ' read through ', time(source.readThrough)) : null,
      source.lastError ? h('div', { class: 'muted' }, source.lastError) : null, source.note ? h('div', { class: 'muted' }, source.note) : null),
    h('dt', {}, 'Queries'), h('dd', {}, h('ul', { class: 'plain' }, (source.queries || []).map(q => h('li', {}, h('strong', {}, q.role), ' ', h('code', {}, q.expression)))))];
}

function mountDetail(root, { params, ctx }) {
  let disposed = false;
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading SLO…')));
  mount(root, h('div', { class: 'page-head' }, h('a', { href: link('/slos'), class: 'btn btn-ghost' }, '← SLOs')), body);

  const load = oneAtATime(async () => {
    try {
      const slo = await api.slo(params.name);
      // The service's freeze as deploy pipelines see it (an exemption lets changes through an exhausted budget).
      const freeze = slo.frozen ? await api.freeze(slo.service).catch(() => null) : null;
      const burnDowns = await Promise.all(slo.objectives.map(o => api.sloBurnDown(slo.name, o.index, 240).catch(() => null)));
      if (disposed) return;
      ctx.setTitle(slo.name);
      mount(body,
        h('div', { class: 'card card-pad', 'data-testid': 'slo-detail', 'data-slo': slo.name },
          h('div', { class: 'row' }, h('h1', {}, slo.displayName || slo.name), slo.frozen ? frozenBadge(freeze || { frozen: true, reasons: [], since: slo.objectives.find(o => o.freeze)?.freeze.since }) : null),
          slo.description ? h('p', { class: 'muted' }, slo.description) : null,
          h('dl', { class: 'facts' },
            h('dt', {}, 'Service'), h('dd', {}, slo.service),
            h('dt', {}, 'Window'), h('dd', {}, `${slo.window.period} ${slo.window.rolling ? 'rolling' : 'calendar'}: `, time(slo.window.start), ' – ', time(slo.window.end)),
            h('dt', {}, 'Budgeting'), h('dd', {}, slo.budgetingMethod),
            sourceFacts(slo.source))),
        slo.objectives.map((o, i) => objectiveCard(slo, o, burnDowns[i])));
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('this SLO', err)));
    }
  });

  load();
  const timer = setInterval(load, REFRESH_MS);
  return { refresh: () => load(), unmount: () => { disposed = true; clearInterval(timer); } };
}

/** One module for both routes: '#/slos' and '#/slos/:name'. */
function mountPage(root, args) {
  return args.params.name ? mountDetail(root, args) : mountList(root, args);
}

export { mountPage as mount };
