// On-call page: who is on call now per schedule, a two-week calendar per schedule (a row per day) with gaps
// highlighted and overrides/swaps marked, and shift swaps: request, take, accept. Data from /api/v1/oncall,
// /api/v1/schedules/{name}/final and /api/v1/swaps (docs/oncall.md).
import { api } from '../api.js';
import { oneAtATime, writesInFlight } from '../live.js';
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

/**
 * The form under a schedule's calendar: take a shift, ask for a swap, or (managers, admins) put a user on call over a
 * range with an override. Clicking a shift fills in its owner and times. A reload of the page rebuilds the form; it
 * carries over what was entered, the focus and the last result (state/restore), so no refresh loses a pick.
 */
function swapForm(schedule, users, me, onDone, track) {
  const status = h('div', { class: 'muted', 'data-testid': 'swap-status', role: 'status' });
  const actAs = h('select', { name: 'actAs', 'data-testid': 'swap-act-as', 'aria-label': 'User (who takes the shift, asks for the swap or goes on call)' },
    users.map(u => h('option', { value: u.name, selected: u.name === me }, `${u.fullName} (${u.name})`)));
  const kind = h('select', { name: 'kind', 'data-testid': 'swap-kind', 'aria-label': 'Kind' },
    h('option', { value: 'take' }, 'Take this shift'), h('option', { value: 'request' }, 'Request a swap (give my shift away)'),
    h('option', { value: 'override' }, 'Override: put this user on call'));
  const owner = h('input', { name: 'owner', 'data-testid': 'swap-owner', 'aria-label': 'Shift owner', readonly: true, placeholder: 'click a shift' });
  const from = h('input', { type: 'datetime-local', name: 'from', 'data-testid': 'swap-from', 'aria-label': 'From' });
  const to = h('input', { type: 'datetime-local', name: 'to', 'data-testid': 'swap-to', 'aria-label': 'To' });
  const form = h('form', {
    class: 'swap-form', 'data-testid': `swap-form-${schedule.name}`,
    onsubmit: async ev => {
      ev.preventDefault();
      const [start, end] = [new Date(from.value), new Date(to.value)];
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
        status.textContent = 'Pick a shift in the calendar, or fill in both times.';
        return;
      }
      const body = { schedule: schedule.name, start: start.toISOString(), end: end.toISOString(), user: actAs.value || undefined };
      if (kind.value === 'take') body.from = owner.value;
      submit.disabled = true; // one swap or override per click
      try {
        if (kind.value === 'override') {
          const o = await track(() => api.createOverride(body));
          status.textContent = `Override ${o.id}: ${o.user} on call ${new Date(o.start).toLocaleString()} – ${new Date(o.end).toLocaleString()}.`;
        } else {
          const swap = await track(() => api.swap(kind.value, body));
          status.textContent = `Swap ${swap.id}: ${swap.from} → ${swap.to || 'anyone'} (${swap.status}).`;
        }
        owner.value = from.value = to.value = ''; // sent: the pick is done, the result stays
        onDone();
      } catch (err) {
        status.textContent = err.message;
      } finally {
        submit.disabled = false;
      }
    },
  });
  const submit = h('button', { class: 'btn', type: 'submit', 'data-testid': 'swap-submit' }, 'Submit');
  mount(form, h('strong', {}, 'Take, swap or override a shift'), ' ', actAs, ' ', kind, ' ', owner, ' ', from, ' ', to, ' ', submit, status);
  const controls = { actAs, kind, owner, from, to };
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
    state: () => ({
      values: Object.fromEntries(Object.entries(controls).map(([k, c]) => [k, c.value])),
      status: status.textContent,
      focus: Object.keys(controls).find(k => controls[k] === document.activeElement) || null,
    }),
    restore: saved => {
      if (!saved) return;
      for (const [k, v] of Object.entries(saved.values)) {
        // A user or kind no longer offered (config reloaded) keeps the new form's default.
        if (controls[k].tagName !== 'SELECT' || [...controls[k].options].some(o => o.value === v)) controls[k].value = v;
      }
      status.textContent = saved.status;
      if (saved.focus) controls[saved.focus].focus();
    },
  };
}

const range = x => `${new Date(x.start).toLocaleString()} – ${new Date(x.end).toLocaleString()}`;

/** A button that runs one write (disabled while it runs, so it cannot be sent twice) and reloads the page after. */
function actionButton(label, testid, confirmText, run, onDone, track) {
  const button = h('button', { class: 'btn btn-ghost', type: 'button', 'data-testid': testid, onclick: async () => {
    if (confirmText && !confirm(confirmText)) return;
    button.disabled = true;
    try {
      await track(run);
      onDone();
    } catch (err) {
      button.disabled = false;
      alert(err.message);
    }
  } }, label);
  return button;
}

function pendingSwaps(swaps, form, onDone, track) {
  if (!swaps.length) return null;
  return h('div', { class: 'pending-swaps' }, h('strong', {}, 'Swap requests'), h('ul', {}, swaps.map(s => h('li', { 'data-testid': 'swap-request', 'data-swap-id': s.id },
    `${s.from} asks someone to take ${range(s)} `,
    actionButton(`Accept as ${form.actAs() || 'me'}`, 'swap-accept', null, () => api.swapAction(s.id, 'accept', { user: form.actAs() }), onDone, track), ' ',
    actionButton('Cancel', 'swap-cancel', `Cancel ${s.from}'s swap request?`, () => api.swapAction(s.id, 'cancel'), onDone, track)))));
}

/** The overrides and accepted swaps within the calendar's days, each with the button that undoes it. */
function changes(final, onDone, track) {
  const overrides = final.overrides.filter(o => !o.deletedAt);
  const swaps = final.swaps.filter(s => s.status === 'accepted');
  if (!overrides.length && !swaps.length) return null;
  return h('div', { class: 'pending-swaps', 'data-testid': 'schedule-changes' }, h('strong', {}, 'Overrides and swaps'), h('ul', {},
    overrides.map(o => h('li', { 'data-testid': 'override-row', 'data-override-id': o.id, 'data-user': o.user },
      `Override: ${o.user} on call ${range(o)} (by ${o.createdBy}) `,
      actionButton('Remove', 'override-remove', `Remove the override that puts ${o.user} on call ${range(o)}?`, () => api.deleteOverride(o.id), onDone, track))),
    swaps.map(s => h('li', { 'data-testid': 'swap-row', 'data-swap-id': s.id, 'data-user': s.to },
      `Swap: ${s.to} covers ${s.from} ${range(s)} `,
      actionButton('Cancel', 'swap-cancel', `Cancel the swap? ${s.from} is on call again ${range(s)}.`, () => api.swapAction(s.id, 'cancel'), onDone, track)))));
}

function mountPage(root) {
  let disposed = false;
  const body = h('div', {}, loading());
  mount(root, h('div', { class: 'page-head' }, h('h1', {}, 'On-call')), body);

  let forms = new Map(); // schedule name → its form, as last mounted
  const writes = writesInFlight(); // the forms and buttons send through writes.track
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
      const built = new Map();
      const sections = await Promise.all(schedules.map(async s => {
        const [final, swaps] = await Promise.all([
          api.finalSchedule(s.name, start.toISOString(), end.toISOString()),
          api.swaps(s.name, 'requested', start.toISOString(), end.toISOString()),
        ]);
        const form = swapForm(s, users, who.user || users[0]?.name, load, writes.track);
        built.set(s.name, form);
        return h('section', { class: 'card oncall-schedule', 'data-testid': 'oncall-schedule', 'data-schedule': s.name },
          h('h2', {}, s.name, h('a', { class: 'btn btn-ghost', href: `/api/v1/schedules/${encodeURIComponent(s.name)}/ical`, title: 'iCalendar feed' }, 'iCal')),
          h('div', { class: 'muted' }, `${final.gaps.length} gap(s) in the next ${DAYS} days · times in your browser's zone · click a shift to take it, ask for a swap or override it`),
          calendar(s, final, start, form.pick), form.el, changes(final, load, writes.track), pendingSwaps(swaps, form, load, writes.track));
      }));
      if (disposed || writes.busy) return;
      const saved = new Map([...forms].map(([name, form]) => [name, form.state()])); // now: a pick made during the read counts
      mount(body, h('div', { class: 'oncall-now-grid' }, schedules.map(nowCard)), sections);
      for (const [name, form] of built) form.restore(saved.get(name));
      forms = built;
    } catch (err) {
      if (!disposed) mount(body, h('div', { class: 'card' }, errorState('on-call schedules', err)));
    }
  });
  // Live updates carry incident changes, which never change a schedule; the calendar moves with the clock and with
  // swaps and overrides, so it is re-read every minute (and on each poll while the live stream is down).
  load();
  const timer = setInterval(load, REFRESH_MS);
  return { refresh: (detail) => { if (detail?.poll) load(); }, unmount: () => { disposed = true; clearInterval(timer); } };
}

export { mountPage as mount };
