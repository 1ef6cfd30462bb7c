// On-call page: who is on call now per schedule, a two-week calendar per schedule (a row per day) with gaps
// highlighted and overrides/swaps marked, and shift swaps: request, take, accept. Data from /api/v1/oncall,
// /api/v1/schedules/{name}/final and /api/v1/swaps (docs/oncall.md).
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { emptyState, errorState, loading } from '../format.js';

const DAYS = 14;
const DAY_MS = 86400000;
const REFRESH_MS = 60000;

const hhmm = d => d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hour12: false });
const dayLabel = d => d.toLocaleDateString([], { weekday: 'short', month: 'short', day: 'numeric' });
// datetime-local value in the browser's zone (the inputs are local wall-clock).
const localInput = d => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);

/** Stable pastel colour per user so a person is recognisable across the grid. */
function colour(user) {
  let hash = 0;
  for (const c of user) hash = (hash * 31 + c.charCodeAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 60% 82%)`;
}

function nowCard(s) {
  const who = s.now?.user;
  return h('div', { class: 'card oncall-now', 'data-testid': 'oncall-now', 'data-schedule': s.name, 'data-user': who || '' },
    h('div', { class: 'muted' }, s.name, s.team ? ` · team ${s.team}` : '', ` · ${s.timeZone}`),
    who
      ? h('div', { class: 'oncall-who' }, h('strong', {}, s.now.fullName), ` (${who})`,
        s.now.source !== 'layer' ? h('span', { class: 'badge' }, s.now.source) : null,
        h('div', { class: 'muted' }, `until ${new Date(s.now.end).toLocaleString()}`))
      : h('div', { class: 'oncall-who gap-text' }, 'Nobody is on call'));
}

/** One row per day; each entry or gap is a block positioned by its share of the day. */
function calendar(schedule, final, start, onPick) {
  const rows = [];
  const spans = [
    ...final.entries.map(e => ({ ...e, kind: 'entry' })),
    ...final.gaps.map(g => ({ ...g, kind: 'gap' })),
  ].map(x => ({ ...x, s: Date.parse(x.start), e: Date.parse(x.end) }));
  for (let i = 0; i < DAYS; i++) {
    const day0 = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i);
    const day1 = new Date(start.getFullYear(), start.getMonth(), start.getDate() + i + 1);
    const [d0, d1] = [day0.getTime(), day1.getTime()];
    const blocks = spans.filter(x => x.e > d0 && x.s < d1).map(x => {
      const s = Math.max(x.s, d0), e = Math.min(x.e, d1);
      const style = `left:${((s - d0) / (d1 - d0)) * 100}%;width:${((e - s) / (d1 - d0)) * 100}%;`
        + (x.kind === 'entry' ? `background:${colour(x.user)}` : '');
      const title = `${hhmm(new Date(s))}–${hhmm(new Date(e))} ` + (x.kind === 'gap' ? 'nobody on call' : `${x.fullName} (${x.source}${x.layer ? ', ' + x.layer : ''})`);
      return x.kind === 'gap'
        ? h('div', { class: 'cal-block cal-gap', style, title, 'data-testid': 'cal-gap' }, 'gap')
        : h('button', {
          class: `cal-block cal-${x.source}`, style, title, type: 'button', 'data-testid': 'cal-entry', 'data-user': x.user,
          'data-source': x.source, 'data-start': new Date(s).toISOString(), 'data-end': new Date(e).toISOString(),
          onclick: () => onPick({ user: x.user, start: new Date(s), end: new Date(e) }),
        }, x.source === 'layer' ? x.user : `${x.user} · ${x.source}`);
    });
    rows.push(h('div', { class: 'cal-row' }, h('div', { class: 'cal-day' }, dayLabel(day0)), h('div', { class: 'cal-track' }, blocks)));
  }
  return h('div', { class: 'calendar', 'data-testid': `calendar-${schedule.name}` }, rows);
}

function swapForm(schedule, users, me, onDone) {
  const status = h('div', { class: 'muted', 'data-testid': 'swap-status', role: 'status' });
  const actAs = h('select', { name: 'actAs', 'data-testid': 'swap-act-as', 'aria-label': 'Act as' },
    users.map(u => h('option', { value: u.name, selected: u.name === me }, `${u.fullName} (${u.name})`)));
  const kind = h('select', { name: 'kind', 'data-testid': 'swap-kind', 'aria-label': 'Kind' },
    h('option', { value: 'take' }, 'Take this shift'), h('option', { value: 'request' }, 'Request a swap (give my shift away)'));
  const owner = h('input', { name: 'owner', 'data-testid': 'swap-owner', 'aria-label': 'Shift owner', readonly: true, placeholder: 'click a shift' });
  const from = h('input', { type: 'datetime-local', name: 'from', 'data-testid': 'swap-from', 'aria-label': 'From' });
  const to = h('input', { type: 'datetime-local', name: 'to', 'data-testid': 'swap-to', 'aria-label': 'To' });
  const form = h('form', {
    class: 'swap-form', 'data-testid': `swap-form-${schedule.name}`,
    onsubmit: async ev => {
      ev.preventDefault();
      const body = { schedule: schedule.name, start: new Date(from.value).toISOString(), end: new Date(to.value).toISOString(), user: actAs.value || undefined };
      if (kind.value === 'take') body.from = owner.value;
      try {
        const swap = await api.swap(kind.value, body);
        status.textContent = `Swap ${swap.id}: ${swap.from} → ${swap.to || 'anyone'} (${swap.status}).`;
        onDone();
      } catch (err) {
        status.textContent = err.message;
      }
    },
  }, h('strong', {}, 'Swap or take a shift'), ' ', actAs, ' ', kind, ' ', owner, ' ', from, ' ', to, ' ',
  h('button', { class: 'btn', type: 'submit', 'data-testid': 'swap-submit' }, 'Submit'), status);
  // A plain object: properties set on a <form> clash with its named controls.
  return {
    el: form,
    actAs: () => actAs.value,
    pick: ({ user, start, end }) => {
      owner.value = user;
      from.value = localInput(start);
      to.value = localInput(end);
      if (user === actAs.value) kind.value = 'request';
    },
  };
}

function pendingSwaps(swaps, form, onDone) {
  if (!swaps.length) return null;
  return h('div', { class: 'pending-swaps' }, h('strong', {}, 'Swap requests'), h('ul', {}, swaps.map(s => h('li', { 'data-testid': 'swap-request' },
    `${s.from} asks someone to take ${new Date(s.start).toLocaleString()} – ${new Date(s.end).toLocaleString()} `,
    h('button', { class: 'btn btn-ghost', type: 'button', 'data-testid': 'swap-accept', onclick: async () => {
      try { await api.swapAction(s.id, 'accept', { user: form.actAs() }); onDone(); } catch (err) { alert(err.message); }
    } }, `Accept as ${form.actAs() || 'me'}`)))));
}

function mountPage(root) {
  let disposed = false;
  const body = h('div', {}, loading());
  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'On-call')), body);

  const load = oneAtATime(async () => {
    try {
      const start = new Date(); start.setHours(0, 0, 0, 0);
      const end = new Date(start.getTime() + DAYS * DAY_MS + DAY_MS);
      const [schedules, users, who] = await Promise.all([api.schedules(), api.users(), api.whoami()]);
      if (disposed) return;
      if (!schedules.length) {
        mount(body, h('div', { class: 'card' }, emptyState('No schedules', 'Define users, teams and schedules in the config (see docs/oncall.md).')));
        return;
      }
      const sections = await Promise.all(schedules.map(async s => {
        const [final, swaps] = await Promise.all([
          api.finalSchedule(s.name, start.toISOString(), end.toISOString()),
          api.swaps(s.name, 'requested', start.toISOString(), end.toISOString()),
        ]);
        const form = swapForm(s, users, who.user || users[0]?.name, load);
        return h('section', { class: 'card oncall-schedule', 'data-testid': 'oncall-schedule', 'data-schedule': s.name },
          h('h2', {}, s.name, h('a', { class: 'btn btn-ghost', href: `/api/v1/schedules/${encodeURIComponent(s.name)}/ical`, title: 'iCalendar feed' }, 'iCal')),
          h('div', { class: 'muted' }, `${final.gaps.length} gap(s) in the next ${DAYS} days · times in your browser's zone · click a shift to swap or take it`),
          calendar(s, final, start, form.pick), form.el, pendingSwaps(swaps, form, load));
      }));
      if (disposed) return;
      mount(body, h('div', { class: 'oncall-now-grid' }, schedules.map(nowCard)), sections);
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('on-call schedules', err)));
    }
  });
  // Live updates carry incident changes, which never change a schedule; the calendar moves with the clock and with
  // swaps, so it is re-read every minute (and on each poll while the live stream is down). A reload rebuilds the swap
  // forms: one holding a picked shift or the focus is left alone until it is sent.
  const editing = () => [...body.querySelectorAll('form.swap-form')]
    .some(f => f.contains(document.activeElement) || f.querySelector('[name=owner]')?.value);
  const reload = () => { if (!editing()) load(); };
  load();
  const timer = setInterval(reload, REFRESH_MS);
  return { refresh: (detail) => { if (detail?.poll) reload(); }, unmount: () => { disposed = true; clearInterval(timer); } };
}

export { mountPage as mount };
