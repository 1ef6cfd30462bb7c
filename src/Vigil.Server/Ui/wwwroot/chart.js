// What the SVG charts share (a metric series, an SLO burn-down): elements, round value and time ticks, and a
// crosshair that reads out the point under the pointer. Each chart draws its own marks; these are the axes and parts
// every chart would otherwise repeat.
const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element (h() makes HTML elements, which an <svg> does not draw). */
export function svg(tag, attrs = {}) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v != null) el.setAttribute(k, String(v));
  return el;
}

/** Round axis values 1, 2 or 5 × 10ⁿ apart covering [lo, hi] (0, 2K, 4K rather than 1,568.558), lowest first. */
export function valueTicks(lo, hi) {
  const rough = (hi - lo) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map(m => m * magnitude).find(s => s >= rough);
  const values = [];
  // The step can vanish next to huge values (1e16 + 0.5 is 1e16): stop then rather than loop for ever.
  for (let v = Math.floor(lo / step) * step; values.length === 0 || values[values.length - 1] < hi; v += step) {
    if (values.length && !(v > values[values.length - 1])) break;
    values.push(+v.toPrecision(12));
  }
  if (values.length < 2) values.push(hi > values[0] ? hi : values[0] + 1);
  return values;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const STEPS = [MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY];

function localMidnight(t) {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/**
 * Times for the x axis of [t0, t1] (epoch ms) at most `maxTicks` of them, on round local clock times (every
 * 15 minutes, 6 hours, day…) counted from each local midnight on the wall clock, so the hours read 00:00, 06:00,
 * 12:00 whatever the first sample's time, also on a day daylight saving time begins or ends (a clock time that does
 * not exist that day is left out). Each tick says whether it is a midnight, which is labelled with the date instead
 * of the time.
 */
export function timeTicks(t0, t1, maxTicks = 7) {
  if (!(t1 > t0)) return [];
  const step = STEPS.find(s => (t1 - t0) / s <= maxTicks) ?? Math.ceil((t1 - t0) / maxTicks / DAY) * DAY;
  const ticks = [];
  if (step >= DAY) {
    const days = Math.round(step / DAY);
    for (let day = localMidnight(t0); day <= t1; day = localMidnight(day + 36 * HOUR)) {
      const d = new Date(day);
      // Whole days counted from the epoch's day number, so the same dates are ticks however far the chart scrolls.
      const dayNumber = Math.round((day - d.getTimezoneOffset() * MINUTE) / DAY);
      if (day >= t0 && dayNumber % days === 0) ticks.push({ t: day, midnight: true });
    }
    return ticks;
  }
  const minutes = step / MINUTE;
  for (let day = localMidnight(t0); day <= t1; day = localMidnight(day + 36 * HOUR)) {
    const d = new Date(day);
    for (let k = 0; ; k++) {
      // Wall-clock times of this day: new Date() moves a time DST skips to the next hour, so each is checked.
      const at = new Date(d.getFullYear(), d.getMonth(), d.getDate(), 0, k * minutes);
      if (at.getDate() !== d.getDate() || at.getTime() > t1) break;
      if ((at.getHours() * 60 + at.getMinutes()) !== k * minutes) continue;
      const t = at.getTime();
      if (t >= t0 && (!ticks.length || t > ticks[ticks.length - 1].t)) ticks.push({ t, midnight: k === 0 });
    }
  }
  return ticks;
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const date = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** A tick's label: the clock time, or the date at midnight (and for ticks a day or more apart). */
export function timeLabel(tick) {
  return tick.midnight ? date.format(tick.t) : clock.format(tick.t);
}

/** Draws the time axis under a plot: a tick mark and label at each round time (see timeTicks). */
export function timeAxis(root, { t0, t1, X, bottom, height }) {
  const ticks = timeTicks(t0, t1);
  for (const tick of ticks) {
    root.append(svg('line', { x1: X(tick.t), x2: X(tick.t), y1: bottom, y2: bottom + 4, class: 'chart-grid' }));
    const label = svg('text', { x: X(tick.t), y: height - 4, 'text-anchor': 'middle', class: 'chart-label', 'data-testid': 'chart-time-tick' });
    label.textContent = timeLabel(tick);
    root.append(label);
  }
  return ticks;
}

/**
 * A crosshair over the plot: moving the pointer (or a finger) over it marks the nearest point, sorted by x, and
 * calls `show` with it; leaving calls `show(null)`. Screen coordinates go through the SVG's own transform,
 * so the viewBox may be scaled to any width.
 */
export function crosshair(root, { points, X, Y, plot }) {
  const line = svg('line', { y1: plot.top, y2: plot.bottom, class: 'chart-crosshair', visibility: 'hidden' });
  const dot = svg('circle', { r: 4, class: 'chart-crosshair-dot', visibility: 'hidden' });
  const area = svg('rect', { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top,
    class: 'chart-hover-area', 'data-testid': 'chart-hover-area' });
  root.append(line, dot, area);
  let show = () => {};
  const nearest = x => {
    let [lo, hi] = [0, points.length - 1];
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (points[mid].x <= x) lo = mid; else hi = mid;
    }
    return Math.abs(points[hi].x - x) < Math.abs(x - points[lo].x) ? points[hi] : points[lo];
  };
  const move = event => {
    const matrix = root.getScreenCTM();
    if (!points.length || !matrix) return;
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const p = nearest(plot.x0 + ((at.x - plot.left) / (plot.right - plot.left)) * (plot.x1 - plot.x0));
    for (const [el, attrs] of [[line, { x1: X(p.x), x2: X(p.x) }], [dot, { cx: X(p.x), cy: Y(p.value) }]]) {
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      el.setAttribute('visibility', 'visible');
    }
    show(p);
  };
  area.addEventListener('pointermove', move);
  area.addEventListener('pointerdown', move);
  area.addEventListener('pointerleave', () => {
    line.setAttribute('visibility', 'hidden');
    dot.setAttribute('visibility', 'hidden');
    show(null);
  });
  return { onShow: fn => { show = fn; } };
}
