// Incident detail: header with actions, alerts of the group, notifications sent for it, timeline and notes.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, isSet, statusPill, severityBadge, priorityBadge, labelChips, emptyState, errorState, loading, externalLink, sourceLink } from '../format.js';
import { link } from '../router.js';
import { escalationPanel } from './escalation-panel.js';
import { chart } from './metrics.js';

const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];
const MAX_CHARTS = 3;
const CHARTS_FRESH_MS = 60000;
const METRIC_ALERTS = ['MetricAnomaly', 'CapacityForecast'];

/** Alerts in the order the incident shows them: firing first, newest first within each status. */
const firingFirst = (a, b) => (a.status === b.status ? (b.startsAt || '').localeCompare(a.startsAt || '') : a.status === 'firing' ? -1 : 1);
const PROMINENT = ['summary', 'description', 'message'];

const TIMELINE_ICONS = {
  created: '!', alert_added: '+', alert_resolved: '✓', alert_refired: '↻', acknowledged: '◉', unacknowledged: '○',
  resolved: '✓', auto_resolved: '✓', reopened: '↺', priority_changed: 'P', note: '✎', reminder: '◷',
  notified: '✉', notification_failed: '✗', escalation: '⇡', notification_muted: '◌',
};

/** Which actions make sense for a status: [action, label, class, testid]. */
function actionsFor(status) {
  switch (status) {
    case 'triggered': return [['acknowledge', 'Acknowledge', 'btn-ack', 'ack-button'], ['resolve', 'Resolve', 'btn-resolve', 'resolve-button']];
    case 'acknowledged': return [['resolve', 'Resolve', 'btn-resolve', 'resolve-button'], ['unacknowledge', 'Unacknowledge', 'btn-ghost', 'unack-button']];
    case 'resolved': return [['reopen', 'Reopen', '', 'reopen-button']];
    default: return [];
  }
}

function mountPage(root, { params, ctx }) {
  const id = params.id;
  let incident = null;
  let disposed = false;
  let busy = false;
  let timelineCount = 0;
  let notificationReads = 0; // the latest read of the notification log wins
  let [shownHead, shownAlerts] = [null, null]; // what the head and the alert table were last built from

  const head = h('div', { class: 'card' }, loading(`Loading incident #${id}…`));
  const alerts = h('section', { class: 'card', 'aria-labelledby': 'alerts-title' });
  const metrics = h('div', { 'data-testid': 'incident-metrics-slot' });
  let [chartsKey, chartsAt, chartsSeq] = [null, 0, 0]; // the series last charted, when, and which read is the latest
  const notifications = h('section', { class: 'card', 'aria-labelledby': 'notifications-title', 'data-testid': 'notifications', style: 'margin-top:1rem' });
  const timeline = h('ol', { class: 'timeline', 'data-testid': 'timeline' });
  const noteText = h('textarea', { id: 'note-text', name: 'text', placeholder: 'Add a note for the timeline (what you tried, links, hand-over)…', rows: 3, 'data-testid': 'note-input' });
  const noteButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'note-button' }, 'Add note');
  const noteForm = h('form', { class: 'note-form', onsubmit: addNote },
    h('label', { for: 'note-text', class: 'sr-only' }, 'Note'), noteText,
    h('div', { class: 'row' }, h('span', { class: 'muted', style: 'margin-right:auto;font-size:.8rem' }, 'Ctrl+Enter to submit'), noteButton));
  noteText.addEventListener('keydown', e => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) noteForm.requestSubmit(); });
  const side = h('section', { class: 'card', 'aria-labelledby': 'timeline-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'timeline-title' }, 'Timeline')), timeline, noteForm);

  const escalation = escalationPanel(id, ctx, () => load());
  mount(root,
    h('a', { href: link('/incidents'), class: 'back' }, '← Incidents'),
    head,
    escalation.element,
    h('div', { class: 'grid-2', style: 'margin-top:1rem' }, h('div', {}, alerts, metrics, notifications), side));
  alerts.hidden = side.hidden = notifications.hidden = true; // until the incident is loaded
  ctx.setTitle(`Incident #${id}`);

  // One read at a time (live updates ask for one per change): overlapping reads could answer out of order, and not
  // every change moves updatedAt (a delivery or an escalation adds a timeline entry only).
  const load = oneAtATime(async () => {
    try {
      const data = await api.incident(id);
      if (disposed) return;
      // A refetch started before an action can answer after it: never go back to an older state.
      if (incident && Date.parse(data.updatedAt) < Date.parse(incident.updatedAt)) return;
      render(data);
    } catch (err) {
      if (disposed) return;
      if (!incident) {
        mount(head, err.status === 404 ? emptyState(`Incident #${id} does not exist`, err.message) : errorState(`incident #${id}`, err));
        alerts.hidden = side.hidden = true;
      } else ctx.error(err);
    }
  });

  async function act(action, button) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    try {
      render(await api.incidentAction(id, action));
      ctx.refreshSummary();
    } catch (err) {
      ctx.error(err, `Could not ${action} incident #${id}`);
      button.disabled = false;
      load(); // the incident probably changed under us (409): show its current state
    } finally {
      busy = false;
    }
  }

  async function changePriority(select) {
    const value = select.value;
    select.disabled = true;
    try {
      render(await api.setPriority(id, value));
    } catch (err) {
      ctx.error(err, 'Could not change priority');
      select.value = incident.priority;
    } finally {
      select.disabled = false;
    }
  }

  async function addNote(e) {
    e.preventDefault();
    if (noteButton.disabled) return; // Ctrl+Enter submits past the disabled button: one note per send
    const text = noteText.value.trim();
    if (!text) { noteText.focus(); return; }
    noteButton.disabled = true;
    try {
      render(await api.addNote(id, text));
      // Keep only what was typed while it was being sent: sending the box again must not repeat the note.
      const now = noteText.value.trimStart();
      noteText.value = now.startsWith(text) ? now.slice(text.length).trimStart() : now;
    } catch (err) {
      ctx.error(err, 'Could not add the note');
    } finally {
      noteButton.disabled = false;
    }
  }

  function render(inc) {
    if (disposed) return; // an action answered after the page was left: the page now shown is another's
    incident = inc;
    alerts.hidden = side.hidden = false;
    ctx.setTitle(`#${inc.id} ${inc.title} (${inc.status})`);
    // A live update re-renders the page; the head and the alerts are rebuilt only when what they show changed, so an
    // open priority list, the focus on a button or an opened "more annotations" survive a note or a delivery.
    const { timeline: _t, updatedAt: _u, alerts: alertList, ...shown } = inc;
    const headKey = JSON.stringify(shown);
    if (headKey !== shownHead) {
      shownHead = headKey;
      renderHead(inc);
    }
    const alertsKey = JSON.stringify(alertList || []);
    if (alertsKey !== shownAlerts) {
      shownAlerts = alertsKey;
      const open = new Set([...alerts.querySelectorAll('[data-testid=alert-row]')]
        .filter(row => row.querySelector('details.more')?.open).map(row => row.dataset.fingerprint));
      renderAlerts(alertList || []);
      for (const row of alerts.querySelectorAll('[data-testid=alert-row]')) {
        if (open.has(row.dataset.fingerprint)) row.querySelector('details.more')?.setAttribute('open', '');
      }
    }
    showMetrics(chartedSeries(alertList || []));
    renderTimeline(inc.timeline || []);
    escalation.load();
    loadNotifications();
  }

  /**
   * The charts of the metric series behind the incident's alerts (MetricAnomaly, CapacityForecast: their series_id),
   * firing first, so a responder sees the values, the expected band and the forecast without leaving the incident.
   */
  function chartedSeries(list) {
    // Only Vigil's own metric alerts name a series (any sender can put a series_id annotation on an alert).
    return [...new Set([...list].sort(firingFirst)
      .filter(a => METRIC_ALERTS.includes(a.labels?.alertname)).map(a => a.annotations?.series_id).filter(id => /^[0-9a-f]{16}$/.test(id || '')))];
  }

  async function loadMetrics(ids, seq) {
    if (!ids.length) { mount(metrics); metrics.dataset.loaded = 'true'; return; }
    const details = await Promise.all(ids.slice(0, MAX_CHARTS).map(sid => api.metricSeriesDetail(sid).catch(err => ({ sid, err }))));
    if (disposed || seq !== chartsSeq) return; // a newer read started meanwhile: its answer is the one to show
    mount(metrics, h('section', { class: 'card', style: 'margin-top:1rem', 'aria-labelledby': 'metrics-title', 'data-testid': 'incident-metrics' },
      h('div', { class: 'section-head' }, h('h2', { id: 'metrics-title' }, 'Metrics'),
        ids.length > MAX_CHARTS ? h('span', { class: 'count' }, `${MAX_CHARTS} of ${ids.length} series`) : null),
      details.map(d => d.err
        ? h('p', { class: 'muted card-pad', 'data-testid': 'incident-metric-gone' },
          d.err.status === 404 ? `Series ${d.sid} is no longer tracked (deleted, or silent past metrics.series_ttl).` : `Could not load series ${d.sid}: ${d.err.message}`)
        : h('div', { class: 'card-pad', 'data-testid': 'incident-metric', 'data-series-id': d.series.id },
          h('a', { href: link(`/metrics/${d.series.id}`), 'data-testid': 'incident-metric-link' }, h('code', {}, d.series.text)),
          chart(d, { height: 200 })))));
    metrics.dataset.loaded = 'true'; // for tests: what the incident's alerts name has been looked at
  }

  /**
   * Mounts the incident's metric charts; a chart that cannot be drawn must not take the rest of the page with it. A
   * live update of the incident (each alert it gains or resolves, each note) re-reads them only when the series
   * charted change or the charts are over a minute old: a busy incident would otherwise re-read every chart per event.
   */
  async function showMetrics(ids) {
    const key = ids.join(',');
    if (key === chartsKey && Date.now() - chartsAt < CHARTS_FRESH_MS) return;
    [chartsKey, chartsAt] = [key, Date.now()];
    const seq = ++chartsSeq;
    try {
      await loadMetrics(ids, seq);
    } catch (err) {
      if (!disposed && seq === chartsSeq) mount(metrics, h('p', { class: 'muted card-pad' }, `Could not draw the metric charts: ${err.message}`));
    }
  }

  async function loadNotifications() {
    const read = ++notificationReads;
    try {
      const list = await api.notifications(id);
      if (!disposed && read === notificationReads) renderNotifications(list);
    } catch {
      // The log is secondary: the incident stays usable if it cannot be read.
    }
  }

  function renderNotifications(list) {
    notifications.hidden = false;
    mount(notifications,
      h('div', { class: 'section-head' }, h('h2', { id: 'notifications-title' }, 'Notifications'), h('span', { class: 'count' }, `${list.length}`)),
      list.length ? h('table', { class: 'table', 'data-testid': 'notifications-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Channel'), h('th', { scope: 'col' }, 'Message'),
          h('th', { scope: 'col' }, 'Attempts'), h('th', { scope: 'col' }, 'When / why'))),
        h('tbody', {}, list.map(n => h('tr', { 'data-testid': 'notification-row', 'data-status': n.status },
          h('td', { class: 'nowrap' }, statusPill(n.status)),
          h('td', {}, h('code', {}, n.channel)),
          h('td', {}, n.message || ''),
          h('td', {}, String(n.attempts)),
          h('td', {}, n.sentAt ? time(n.sentAt) : n.nextAttemptAt ? ['retry ', time(n.nextAttemptAt)] : null,
            n.lastError ? h('div', { class: 'muted' }, n.lastError) : null)))))
        : emptyState('No notifications', 'Nothing was sent for this incident (its receiver has no integrations, or it was acknowledged first).'));
  }

  function renderHead(inc) {
    const prio = inc.status === 'resolved' ? priorityBadge(inc.priority) :
      h('select', { class: 'prio-select', 'aria-label': 'Priority', 'data-testid': 'priority-select', onchange: e => changePriority(e.target) },
        PRIORITIES.map(p => h('option', { value: p, selected: p === inc.priority }, p)));
    const meta = [
      h('span', {}, h('span', { class: 'label' }, 'Opened'), time(inc.createdAt)),
      inc.acknowledgedAt ? h('span', { 'data-testid': 'incident-acknowledged' }, h('span', { class: 'label' }, 'Acknowledged'), time(inc.acknowledgedAt), ' by ', h('strong', {}, inc.acknowledgedBy || '?')) : null,
      inc.resolvedAt ? h('span', { 'data-testid': 'incident-resolved' }, h('span', { class: 'label' }, 'Resolved'), time(inc.resolvedAt), ' by ', h('strong', {}, inc.resolvedBy || '?')) : null,
      inc.service ? h('span', { 'data-testid': 'incident-service' }, h('span', { class: 'label' }, 'Service'), h('code', {}, inc.service)) : null,
      inc.receiver ? h('span', {}, h('span', { class: 'label' }, 'Receiver'), h('code', {}, inc.receiver)) : null,
      h('span', {}, h('span', { class: 'label' }, 'Alerts'), h('strong', { class: inc.firingCount ? 'firing-count' : '' }, String(inc.firingCount ?? 0)), ` firing of ${inc.alertCount ?? (inc.alerts || []).length}`),
    ];
    mount(head, h('div', { class: 'incident-head', 'data-testid': 'incident-header', 'data-incident-id': inc.id },
      h('div', { class: 'head-main' },
        h('h1', {}, h('span', { class: 'id' }, `#${inc.id}`), h('span', { 'data-testid': 'incident-title' }, inc.title)),
        h('div', { class: 'head-meta' },
          statusPill(inc.status, { class: `pill pill-lg pill-${inc.status}`, 'data-testid': 'incident-status' }),
          severityBadge(inc.severity),
          h('span', {}, h('span', { class: 'label' }, 'Priority'), prio),
          meta),
        h('div', { class: 'head-group' }, labelChips(inc.groupLabels))),
      h('div', { class: 'head-actions' }, actionsFor(inc.status).map(([action, label, cls, testid]) => {
        const b = h('button', { type: 'button', class: `btn ${cls}`, 'data-testid': testid, onclick: () => act(action, b) }, label);
        return b;
      }))));
  }

  function renderAlerts(list) {
    const sorted = [...list].sort(firingFirst);
    const firing = list.filter(a => a.status === 'firing').length;
    mount(alerts,
      h('div', { class: 'section-head' }, h('h2', { id: 'alerts-title' }, 'Alerts'), h('span', { class: 'count' }, `${firing} firing · ${list.length} total`)),
      list.length ? h('table', { class: 'table', 'data-testid': 'alerts-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col' }, 'Alert'), h('th', { scope: 'col', title: 'Labels other than the incident\'s group labels' }, 'Labels'),
          h('th', { scope: 'col' }, 'Started'), h('th', { scope: 'col' }, 'Ended'), h('th', { scope: 'col' }, ''))),
        h('tbody', {}, sorted.map(alertRow)))
        : emptyState('No alerts attached', null));
  }

  function alertRow(a) {
    const ann = a.annotations || {};
    const others = Object.keys(ann).filter(k => !PROMINENT.includes(k)).sort();
    return h('tr', { class: `alert-row ${a.status}`, 'data-testid': 'alert-row', 'data-fingerprint': a.fingerprint },
      h('td', { class: 'nowrap' }, statusPill(a.status),
        a.silenced ? h('div', {}, h('span', { class: 'flag flag-silenced', title: 'Muted by a silence' }, 'silenced')) : null,
        a.inhibited ? h('div', {}, h('span', { class: 'flag flag-inhibited', title: 'Inhibited by another alert' }, 'inhibited')) : null),
      h('td', { class: 'ann-cell' },
        h('div', { class: 'alert-summary' }, ann.summary || ann.message || a.labels?.alertname || a.fingerprint),
        ann.description ? h('div', { class: 'alert-desc' }, ann.description) : null,
        others.length ? h('details', { class: 'more' },
          h('summary', {}, `${others.length} more annotation${others.length > 1 ? 's' : ''}`),
          h('dl', {}, others.map(k => [h('dt', {}, k), h('dd', {}, annotationValue(ann[k]))]))) : null),
      h('td', {}, labelChips(a.labels, { skip: Object.keys(incident?.groupLabels || {}) })),
      h('td', { class: 'nowrap' }, time(a.startsAt)),
      h('td', { class: 'nowrap' }, a.status === 'resolved' && isSet(a.endsAt) ? time(a.endsAt) : h('span', { class: 'muted' }, '—')),
      h('td', { class: 'nowrap' }, a.generatorURL ? sourceLink(a.generatorURL) : null));
  }

  function renderTimeline(entries) {
    const sorted = [...entries].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0) || (a.at || '').localeCompare(b.at || ''));
    const grew = sorted.length > timelineCount && timelineCount > 0;
    timelineCount = sorted.length;
    mount(timeline, sorted.length ? sorted.map((e, i) => h('li', {
      class: `tl-${e.kind}${grew && i === sorted.length - 1 ? ' row-new' : ''}`, 'data-testid': 'timeline-entry', 'data-kind': e.kind,
    },
      h('span', { class: 'tl-icon', 'aria-hidden': 'true' }, TIMELINE_ICONS[e.kind] || '•'),
      h('div', {},
        h('div', { class: 'tl-head' }, h('strong', {}, e.actor || 'system'), ' · ', kindLabel(e.kind), ' · ',
          time(e.at)),
        e.message ? h('div', { class: 'tl-msg' }, e.message) : null)))
      : h('li', { class: 'muted' }, 'Nothing happened yet.'));
  }

  load();
  return {
    refresh: (detail) => {
      const ids = (detail?.incidents || []).map(String);
      if (detail?.poll || !ids.length || ids.includes(String(id))) load();
    },
    unmount: () => { disposed = true; escalation.stop(); },
  };
}

function kindLabel(kind) {
  return (kind || 'event').replace(/_/g, ' ');
}

function annotationValue(v) {
  const s = String(v ?? '');
  return /^https?:\/\//.test(s) ? externalLink(s, s) : s;
}

export { mountPage as mount };
