// Metrics page: every scored series (anomalous first) and a series chart with its expected band, the anomalies
// marked and the forecast cone. Data from GET /api/v1/metrics/*; alerts link here through their generatorURL.
import { api } from '../api.js';
import { oneAtATime, writesInFlight } from '../live.js';
import { h, mount } from '../dom.js';
import { time, absolute, relative, emptyState, errorState, loading } from '../format.js';
import { link, navigate, replaceQuery } from '../router.js';
import { svg, valueTicks, timeAxis, crosshair } from '../chart.js';

function num(v) {
  if (v == null) return '—';
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e6 || a < 1e-3) ? v.toExponential(3) : (+v.toFixed(3)).toLocaleString();
}

const REFRESH_MS = 30000;

let chartCount = 0;
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });

/**
 * The series chart as inline SVG: expected band (filled), values (line), anomalies (red dots), forecast (dashed
 * line in a shaded 95% cone) and, with a capacity rule, its threshold. Built with createElementNS: h() makes HTML.
 */
export function chart(detail, { width = 900, height = 260 } = {}) {
  const pad = { l: 56, r: 10, t: 10, b: 22 };
  const pts = detail.points.map(p => ({ ...p, x: Date.parse(p.t) }));
  const fc = (detail.forecast?.points || []).map(p => ({ ...p, x: Date.parse(p.t) }));
  const cap = detail.forecast?.capacity;
  // The cone is left out of the scale (it is clipped to the plot): a wide interval would squash the series itself.
  const ys = [...pts.map(p => p.value), ...pts.flatMap(p => (p.lower == null ? [] : [p.lower, p.upper])), ...fc.map(p => p.value)];
  if (cap) ys.push(cap.threshold);
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const axis = valueTicks(y0, y1);
  [y0, y1] = [axis[0], axis[axis.length - 1]];
  const x0 = pts.length ? pts[0].x : Date.now();
  const x1 = Math.max(x0 + 1, fc.length ? fc[fc.length - 1].x : pts[pts.length - 1]?.x ?? x0 + 1);
  const X = x => (pad.l + ((x - x0) / (x1 - x0)) * (width - pad.l - pad.r)).toFixed(1);
  const Y = y => (pad.t + (1 - (y - y0) / (y1 - y0)) * (height - pad.t - pad.b)).toFixed(1);

  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', class: 'metric-chart', 'data-testid': 'metric-chart', role: 'img',
    'aria-label': `${pts.length} points, ${pts.filter(p => p.anomaly).length} anomalies${fc.length ? ', with forecast' : ''}` });
  for (const v of axis) {
    root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: Y(v), y2: Y(v), class: 'chart-grid' }));
    const label = svg('text', { x: pad.l - 6, y: +Y(v) + 4, 'text-anchor': 'end', class: 'chart-label' });
    label.textContent = compact.format(v);
    root.append(label);
  }
  // Band: one polygon per run of points that carry a band (warm-up points do not).
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      const d = [...run.map(p => `${X(p.x)},${Y(p.upper)}`), ...run.slice().reverse().map(p => `${X(p.x)},${Y(p.lower)}`)].join(' ');
      root.append(svg('polygon', { points: d, class: 'chart-band', 'data-testid': 'metric-band' }));
    }
    run = [];
  };
  for (const p of pts) { if (p.lower == null) flush(); else run.push(p); }
  flush();
  if (fc.length) {
    const last = pts[pts.length - 1];
    const cone = [...fc.map(p => `${X(p.x)},${Y(p.upper)}`), ...fc.slice().reverse().map(p => `${X(p.x)},${Y(p.lower)}`)];
    if (last) cone.unshift(`${X(last.x)},${Y(last.value)}`);
    const clip = `plot-clip-${++chartCount}`;
    const clipPath = svg('clipPath', { id: clip });
    clipPath.append(svg('rect', { x: pad.l, y: pad.t, width: width - pad.l - pad.r, height: height - pad.t - pad.b }));
    root.append(clipPath);
    root.append(svg('polygon', { points: cone.join(' '), class: 'chart-cone', 'clip-path': `url(#${clip})`, 'data-testid': 'metric-forecast-cone' }));
    root.append(svg('polyline', { points: [...(last ? [last] : []), ...fc].map(p => `${X(p.x)},${Y(p.value)}`).join(' '), class: 'chart-forecast' }));
  }
  if (cap) root.append(svg('line', { x1: pad.l, x2: width - pad.r, y1: Y(cap.threshold), y2: Y(cap.threshold), class: 'chart-threshold', 'data-testid': 'metric-capacity-threshold' }));
  root.append(svg('polyline', { points: pts.map(p => `${X(p.x)},${Y(p.value)}`).join(' '), class: 'chart-line', 'data-testid': 'metric-line' }));
  // The readout says what a marked point was (the crosshair's area lies over the marks, so they carry no tooltip).
  for (const p of pts.filter(p => p.anomaly)) {
    root.append(svg('circle', { cx: X(p.x), cy: Y(p.value), r: 4, class: 'chart-anomaly', 'data-testid': 'metric-anomaly-marker' }));
  }
  const plot = { left: pad.l, right: width - pad.r, top: pad.t, bottom: height - pad.b, x0, x1 };
  timeAxis(root, { t0: x0, t1: x1, X, bottom: plot.bottom, height });
  if (fc.length && pts.length) {
    // Where the values end and the forecast begins.
    const now = pts[pts.length - 1].x;
    root.append(svg('line', { x1: X(now), x2: X(now), y1: plot.top, y2: plot.bottom, class: 'chart-now', 'data-testid': 'metric-now' }));
  }
  const latest = pts.length ? `Latest: ${readout(pts[pts.length - 1])}` : 'No points yet';
  const text = h('p', { class: 'chart-readout', 'data-testid': 'metric-readout', 'aria-live': 'polite' }, latest);
  crosshair(root, { points: [...pts, ...fc.map(p => ({ ...p, forecast: true }))], X, Y, plot })
    .onShow(p => { text.textContent = p ? readout(p) : latest; });
  return h('figure', { class: 'chart-figure' }, root, text);
}

const readoutTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

const hourStart = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const hourEnd = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/** The clock hour an hourly mean is stamped in the middle of: "Nov 27, 04:00 – 05:00". */
function hourSpan(middle) {
  return `${hourStart.format(middle - 1_800_000)} – ${hourEnd.format(middle + 1_800_000)}`;
}

/** Why a point is anomalous, as the alert says it (the API's signal names are for machines). */
const signalWords = {
  Spike: 'spike',
  LevelShift: 'level shift',
  SeasonalDeviation: 'unlike the same time yesterday',
  SeasonalShift: 'a run unlike the same hours yesterday',
  Pattern: 'an unexpected sequence of values',
  NovelStretch: 'a stretch of values unlike any before',
  NovelTransition: 'a move between levels never made before',
  Flatline: 'stuck at one value for longer than ever before',
};

/** A point's signal in words (the API's name when there are none for it). */
const why = signal => signalWords[signal] ?? signal;

/** One point in words: when, the value, what was expected and how surprising it was (or the forecast's interval). */
function readout(p) {
  const when = readoutTime.format(p.x);
  if (p.forecast) return `${when} · forecast ${num(p.value)} (95%: ${num(p.lower)} – ${num(p.upper)})`;
  if (p.hourly) return `${hourSpan(p.x)} · mean of the hour ${num(p.value)}`;
  const expected = p.lower == null ? 'learning (no expected range yet)' : `expected ${num(p.lower)} – ${num(p.upper)}`;
  const anomaly = p.anomaly ? ` · anomaly (${why(p.signal)})` : '';
  return `${when} · ${num(p.value)} · ${expected} · score ${p.score.toFixed(2)}${anomaly}`;
}

/**
 * The hourly means a capacity rule's series keeps (up to four weeks) with their forecast over the rule's horizon:
 * where a capacity crossing beyond the recent points comes from. Nothing for other series.
 */
function hourlyChart(d) {
  const hourly = d.hourly;
  if (!hourly || hourly.points.length < 2) return null;
  const days = (Date.parse(hourly.points[hourly.points.length - 1].t) - Date.parse(hourly.points[0].t)) / 86_400_000 + 1 / 24;
  const points = hourly.points.map(p => ({ t: p.t, value: p.value, score: 0, lower: null, upper: null, signal: 'None', anomaly: false, hourly: true }));
  return h('section', { class: 'metric-hourly', 'data-testid': 'metric-hourly' },
    h('h2', { class: 'card-title' }, `Hourly means, last ${days >= 2 ? `${Math.round(days)} days` : `${Math.round(days * 24)} hours`}`),
    chart({ points, forecast: hourly.forecast && { ...hourly.forecast, capacity: d.forecast?.capacity } }, { height: 200 }),
    h('p', { class: 'muted chart-legend' }, 'Line: the mean of each hour · dashed: forecast over the capacity rule\'s horizon with 95% interval'));
}

/** What a capacity rule says of the series: past its threshold since when, or when the forecast reaches it. */
function capacityText(cap) {
  const limit = num(cap.threshold);
  if (cap.pastSince) return `past ${limit} since ${absolute(cap.pastSince)} (${relative(cap.pastSince)})`;
  if (cap.crossingAt) return `reaches ${limit} around ${absolute(cap.crossingAt)} (${relative(cap.crossingAt)}), forecast from ${cap.forecastFrom}`;
  return `not expected to reach ${limit} within the horizon`;
}

/** Whether a filter is a label selector for the server ({service="checkout"}) rather than words to look for. */
const isSelector = text => text.trim().startsWith('{');

function mountList(root, { query, ctx }) {
  let disposed = false;
  let needle = query.get('q') || '';
  let timer = null;
  let fetched = null; // {match, list}: the last answer, which words narrow without asking again
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading metric series…')));
  const sources = h('div', {});
  const search = h('input', {
    type: 'search', class: 'metric-search', value: needle, placeholder: 'Filter: words, or {label="value"}',
    'aria-label': 'Filter metric series', 'data-testid': 'metric-search',
    title: 'Words narrow the series listed; a selector such as {service="checkout",__name__=~"http_.*"} asks the server, which searches every series',
    oninput: e => {
      needle = e.target.value;
      replaceQuery({ q: needle.trim() || null });
      // A selector asks the server (once typing pauses); words only narrow what is loaded.
      clearTimeout(timer);
      if (isSelector(needle) || !fetched || fetched.match) timer = setTimeout(load, isSelector(needle) ? 300 : 0);
      else render(fetched.list);
    },
  });
  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'Metrics'), h('div', { class: 'spacer' }), search), sources, body);
  ctx.setTitle('Metrics');

  // The server query the filter box stands for: its selector, or null (words only narrow what is loaded).
  const wanted = () => (isSelector(needle.trim()) ? needle.trim() : null);

  const load = oneAtATime(async () => {
    const match = wanted();
    try {
      const [list, srcs] = await Promise.all([api.metricSeries(match ? { match } : {}), api.metricSources()]);
      // Words typed meanwhile narrow this answer as it is; another selector has queued its own read.
      if (disposed || match !== wanted()) return;
      fetched = { match, list };
      mount(sources, srcs.length ? h('section', { class: 'card', 'data-testid': 'metric-sources' },
        h('h2', { class: 'card-title' }, 'Prometheus sources'),
        h('ul', { class: 'plain' }, srcs.map(s => h('li', { 'data-testid': 'metric-source', 'data-source': s.name, 'data-state': s.state },
          h('strong', {}, s.name), ' ', h('span', { class: s.state === 'error' ? 'sev sev-error' : 'sev sev-info' }, s.state), ' ',
          h('code', {}, s.query), s.lastError ? h('div', { class: 'muted' }, s.lastError) : null)))) : null);
      render(list);
    } catch (err) {
      if (disposed || match !== wanted()) return;
      if (err.status !== 400 && fetched?.match === match) {
        ctx.error(err, 'Could not refresh the metric series'); // a failed re-read keeps the list it had
        return;
      }
      fetched = null;
      // A selector the server cannot parse is the user's to fix: say what is wrong where the list would be.
      mount(body, h('div', { class: 'card', 'data-testid': err.status === 400 ? 'metrics-bad-filter' : null }, errorState('metric series', err)));
    }
  });

  function render(list) {
    const filter = needle.trim();
    if (!list.series.length && !filter) {
      mount(body, h('div', { class: 'card', 'data-testid': 'metrics-empty' },
        emptyState('No metric series yet', 'POST samples to /api/v1/metrics or configure metrics.sources to poll Prometheus.')));
      return;
    }
    const words = isSelector(filter) ? [] : filter.toLowerCase().split(/\s+/).filter(Boolean);
    const shown = list.series.filter(s => words.every(w => s.text.toLowerCase().includes(w)));
    if (!shown.length) {
      mount(body, h('div', { class: 'card', 'data-testid': 'metrics-no-match' }, emptyState(`No series match “${filter}”`,
        isSelector(filter) ? 'The selector matched no series.' : `Only the ${list.series.length} series loaded are searched; a selector such as {service="checkout"} searches all ${list.count}.`)));
      return;
    }
    const more = list.count > list.series.length
      ? h('p', { class: 'muted table-note', 'data-testid': 'metric-series-more' },
        `Showing ${list.series.length.toLocaleString()} of ${list.count.toLocaleString()} series (anomalous first); narrow them with a selector such as {service="checkout"}.`)
      : null;
    mount(body, h('section', { class: 'card' },
      h('table', { class: 'table', 'data-testid': 'metric-series-list' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Series'), h('th', { class: 'num' }, 'Last value'), h('th', { class: 'num' }, 'Score'),
          h('th', { class: 'num' }, 'Anomalies'), h('th', {}, 'Last sample'))),
        h('tbody', {}, shown.map(s => h('tr', { 'data-testid': 'metric-series-row', 'data-series-id': s.id, 'data-anomalous': s.anomalous ? 'true' : null },
          h('td', {}, s.anomalous ? h('span', { class: 'sev sev-warning', 'data-testid': 'metric-anomalous' }, 'anomalous') : null, ' ',
            h('a', { href: link(`/metrics/${s.id}`), 'data-testid': 'metric-series-link' }, h('code', {}, s.text))),
          h('td', { class: 'num' }, num(s.lastValue)),
          h('td', { class: 'num' }, s.lastScore == null ? '—' : s.lastScore.toFixed(2)),
          h('td', { class: 'num' }, s.anomalies, s.lastAnomalySignal
            ? h('span', { class: 'muted', 'data-testid': 'metric-last-anomaly-why' }, ` (last: ${why(s.lastAnomalySignal)})`)
            : null),
          h('td', { class: 'nowrap' }, s.lastTimestamp ? time(s.lastTimestamp) : '—'))))), more));
  }

  load();
  // Samples arrive without a `changed` event (those are about incidents): the list is re-read every 30 s as well.
  const ticker = setInterval(load, REFRESH_MS);
  return { refresh: () => load(), unmount: () => { disposed = true; clearTimeout(timer); clearInterval(ticker); } };
}

function mountDetail(root, { params, ctx }) {
  let disposed = false;
  let shown = false; // a series has been drawn: a failed re-read keeps it
  const writes = writesInFlight(); // a delete or relearn on its way
  const body = h('div', {}, h('div', { class: 'card' }, loading('Loading series…')));
  mount(root, h('div', { class: 'page-head' }, h('a', { href: link('/metrics'), class: 'btn btn-ghost' }, '← Metrics')), body);

  const load = oneAtATime(async () => {
    try {
      const d = await api.metricSeriesDetail(params.id);
      if (disposed) return;
      const s = d.series;
      ctx.setTitle(s.text);
      const cap = d.forecast?.capacity;
      const relearnButton = h('button', { type: 'button', class: 'btn btn-ghost', 'data-testid': 'metric-relearn',
        title: 'Forget what this series has learned and start again with the detector the rules give it now',
        onclick: () => relearn(s, relearnButton) }, 'Relearn');
      const deleteButton = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'metric-delete',
        title: 'Forget this series: its detector, chart and stored state (admins)', onclick: () => remove(s, deleteButton) }, 'Delete');
      mount(body, h('div', { class: 'card', 'data-testid': 'metric-series-detail', 'data-series-id': s.id },
        h('div', { class: 'page-head' }, h('h1', {}, h('code', {}, s.text)), h('span', { class: 'spacer' }), relearnButton, deleteButton),
        chart(d),
        h('p', { class: 'muted chart-legend' }, 'Line: values · band: expected range · red: anomalies · dashed: forecast with 95% interval'),
        hourlyChart(d),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Last value'), h('dd', { 'data-testid': 'metric-last-value' }, num(s.lastValue)),
          h('dt', {}, 'Samples learned'), h('dd', { 'data-testid': 'metric-samples' }, s.samples.toLocaleString()),
          h('dt', {}, 'Anomalies'), h('dd', { 'data-testid': 'metric-anomaly-count' }, s.anomalies),
          h('dt', {}, 'Detector'), h('dd', { 'data-testid': 'metric-detector' }, s.detector),
          h('dt', {}, 'Alert threshold'), h('dd', { 'data-testid': 'metric-threshold' }, d.threshold),
          h('dt', { title: 'Each alert counts 1 and fades over ~10,000 samples; a series that keeps alerting needs a clearer anomaly to alert again' }, 'Recent alerts'),
          h('dd', { 'data-testid': 'metric-recent-alerts' }, d.recentAlerts >= 0.05
            ? `${d.recentAlerts.toFixed(1)} · the next alert needs a score of ${d.scoreNeeded.toFixed(2)}` : 'none'),
          h('dt', {}, 'Daily season'), h('dd', {}, d.seasonalPeriod ? `${d.seasonalPeriod} samples per day` : 'none detected'),
          d.forecast ? [h('dt', {}, 'Forecast'), h('dd', {}, d.forecast.model)] : null,
          cap ? [h('dt', {}, 'Capacity'), h('dd', { 'data-testid': 'metric-capacity' },
            capacityText(cap))] : null)));
      shown = true;
    } catch (err) {
      if (disposed) return;
      // A failed re-read keeps the chart it had; a series that is gone (404) says so.
      if (shown && err.status !== 404) ctx.error(err, 'Could not refresh the series');
      else mount(body, h('div', { class: 'card' }, errorState('this series', err)));
    }
  });

  async function remove(s, button) {
    if (!confirm(`Delete ${s.text}? Its detector, chart and stored state are forgotten; if it sends again it starts afresh.`)) return;
    button.disabled = true;
    try {
      await writes.track(() => api.deleteMetricSeries(s.id));
      ctx.info(`${s.text} deleted.`);
      if (!disposed) navigate('/metrics'); // not away from a page the user went to meanwhile
    } catch (err) {
      ctx.error(err, 'Could not delete the series');
      button.disabled = false;
    }
  }

  async function relearn(s, button) {
    if (!confirm(`Forget what ${s.text} has learned? It starts again with the detector the rules give it now; the chart keeps its points.`)) return;
    button.disabled = true;
    try {
      const r = await writes.track(() => api.relearnMetricSeries(s.id));
      ctx.info(`${s.text} is learning again with the ${r.detector} detector.`);
      load();
    } catch (err) {
      ctx.error(err, 'Could not relearn the series');
      button.disabled = false;
    }
  }

  // Re-read every 30 s (samples arrive without a `changed` event) and on live updates, but not while the pointer is on
  // a chart (a redraw would take the readout the user is reading away) nor while a delete or relearn is on its way (a
  // redraw would offer its button again).
  const reading = () => !!body.querySelector('.chart-hover-area:hover');
  const reload = () => { if (!reading() && !writes.busy) load(); };
  load();
  const ticker = setInterval(reload, REFRESH_MS);
  return { refresh: reload, unmount: () => { disposed = true; clearInterval(ticker); } };
}

/** One module for both routes: '#/metrics' and '#/metrics/:id'. */
function mountPage(root, args) {
  return args.params.id ? mountDetail(root, args) : mountList(root, args);
}

export { mountPage as mount };
