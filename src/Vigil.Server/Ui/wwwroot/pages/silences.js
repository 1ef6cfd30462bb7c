// Silences page: Active / Pending / Expired lists, expire action, and the create form with validation.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, matcherChip, duration, absolute, emptyState, errorState, loading } from '../format.js';
import { parseMatchers, formatMatcher } from '../matchers.js';
import { replaceQuery } from '../router.js';

const GROUPS = [
  { state: 'active', title: 'Active', empty: 'No active silences — every alert notifies.' },
  { state: 'pending', title: 'Pending', empty: 'No silences scheduled for later.' },
  { state: 'expired', title: 'Expired', empty: 'No expired silences.' },
];
const EXPIRED_SHOWN = 25;
const AUTHOR_KEY = 'vigil.silenceAuthor';

/** "2h", "1h30m", "1d 4h", "90m", "1w" → milliseconds, or NaN. */
export function parseDuration(text) {
  const s = String(text || '').trim().toLowerCase();
  if (!s) return NaN;
  const units = { w: 604800e3, d: 86400e3, h: 3600e3, m: 60e3, s: 1e3 };
  let total = 0;
  const rest = s.replace(/(\d+(?:\.\d+)?)\s*([wdhms])/g, (_, n, u) => { total += parseFloat(n) * units[u]; return ''; });
  return rest.trim() || total <= 0 ? NaN : total;
}

/** Date → value for <input type="datetime-local"> in local time. */
function toLocalInput(date) {
  const d = new Date(date.getTime() - date.getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
}

function stateOf(s, now = Date.now()) {
  const known = s.status?.state;
  if (known === 'active' || known === 'pending' || known === 'expired') return known;
  if (Date.parse(s.endsAt) <= now) return 'expired';
  return Date.parse(s.startsAt) > now ? 'pending' : 'active';
}

function mountPage(root, { query, ctx }) {
  let disposed = false;
  let loaded = false;
  let showAllExpired = false;
  let silences = [];

  const lists = h('div', {}, h('div', { class: 'card' }, loading('Loading silences…')));
  const newButton = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'new-silence', onclick: () => openForm() }, 'New silence');
  const formHost = h('div', {});

  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Silences'), h('div', { class: 'spacer' }), newButton),
    formHost, lists);
  ctx.setTitle('Silences');

  // ---------- create form ----------
  function openForm(prefill = {}) {
    newButton.hidden = true;
    const now = new Date();
    const matchersInput = h('textarea', {
      id: 'silence-matchers', class: 'mono', rows: 4, 'data-testid': 'silence-matchers', spellcheck: 'false', required: true,
      placeholder: 'alertname="HighLatency"\nservice=~"checkout|cart"', 'aria-describedby': 'silence-matchers-hint',
    });
    matchersInput.value = (prefill.matchers || []).join('\n');
    const preview = h('div', { class: 'matcher-preview chips', 'aria-live': 'polite' });
    const affected = h('span', { class: 'hint', 'data-testid': 'silence-affected' });
    const startsInput = h('input', { type: 'datetime-local', id: 'silence-starts', value: toLocalInput(now), 'data-testid': 'silence-starts' });
    const durationInput = h('input', { type: 'text', id: 'silence-duration', value: prefill.duration || '2h', 'data-testid': 'silence-duration', placeholder: '2h, 30m, 1d 4h', style: 'width:9rem' });
    const endsInput = h('input', { type: 'datetime-local', id: 'silence-ends', 'data-testid': 'silence-ends' });
    const authorInput = h('input', { type: 'text', id: 'silence-author', required: true, 'data-testid': 'silence-author', value: localStorage.getItem(AUTHOR_KEY) || '' });
    const commentInput = h('textarea', { id: 'silence-comment', rows: 2, required: true, 'data-testid': 'silence-comment', placeholder: 'Why? Link the ticket or the change.' });
    commentInput.value = prefill.comment || '';
    const errorsBox = h('div', { class: 'form-errors', role: 'alert', hidden: true, 'data-testid': 'silence-errors' });
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'silence-submit' }, 'Create silence');

    if (!authorInput.value) api.whoami().then(w => { if (!authorInput.value && w?.name) authorInput.value = w.name; }).catch(() => {});

    const syncEnd = () => {
      const ms = parseDuration(durationInput.value);
      const start = startsInput.value ? new Date(startsInput.value) : new Date();
      if (!Number.isNaN(ms)) endsInput.value = toLocalInput(new Date(start.getTime() + ms));
    };
    const syncDuration = () => {
      const start = startsInput.value ? new Date(startsInput.value) : new Date();
      const end = new Date(endsInput.value);
      if (!Number.isNaN(end.getTime()) && end > start) durationInput.value = duration((end - start) / 1000).replace(' ', '');
    };
    durationInput.addEventListener('input', syncEnd);
    startsInput.addEventListener('input', syncEnd);
    endsInput.addEventListener('input', syncDuration);
    syncEnd();

    let previewTimer = null;
    let previews = 0; // the latest preview wins: a slow answer for the old matchers must not show under the new ones
    const updatePreview = () => {
      const { matchers, errors } = parseMatchers(matchersInput.value);
      mount(preview, matchers.map(matcherChip), errors.map(e => h('div', { class: 'hint', style: 'color:var(--critical)' }, e)));
      clearTimeout(previewTimer);
      const asked = ++previews;
      affected.textContent = '';
      if (!matchers.length || errors.length) return;
      previewTimer = setTimeout(async () => {
        try {
          const alerts = await api.alerts({ filter: matchers.map(formatMatcher), silenced: 'true', inhibited: 'true', active: 'true' });
          if (asked !== previews) return;
          affected.textContent = `Currently matches ${alerts.length} firing alert${alerts.length === 1 ? '' : 's'}.`;
        } catch { /* preview only */ }
      }, 400);
    };
    matchersInput.addEventListener('input', updatePreview);
    updatePreview();

    const close = () => {
      formHost.replaceChildren();
      newButton.hidden = false;
      if (!disposed) replaceQuery({}); // not the query of a page the user went to meanwhile
    };

    const form = h('form', { class: 'card silence-form', 'data-testid': 'silence-form', 'aria-labelledby': 'silence-form-title', novalidate: true, onsubmit: onSubmit },
      h('h2', { id: 'silence-form-title' }, 'New silence'),
      errorsBox,
      h('div', { class: 'field' },
        h('label', { for: 'silence-matchers' }, 'Matchers'),
        matchersInput,
        h('div', { class: 'hint', id: 'silence-matchers-hint' }, 'One per line (or comma-separated): ', h('code', {}, 'name="value"'), ', ', h('code', {}, 'name!="value"'), ', ', h('code', {}, 'name=~"regex"'), ', ', h('code', {}, 'name!~"regex"'), '. An alert is silenced when all matchers match.'),
        preview, affected),
      h('div', { class: 'two' },
        h('div', { class: 'field' }, h('label', { for: 'silence-starts' }, 'Starts'), startsInput),
        h('div', { class: 'field' }, h('span', { class: 'label' }, 'Ends'),
          h('div', { class: 'row' },
            h('label', { for: 'silence-duration', class: 'sr-only' }, 'Duration'), durationInput,
            h('span', { class: 'muted' }, 'or'),
            h('label', { for: 'silence-ends', class: 'sr-only' }, 'End time'), endsInput))),
      h('div', { class: 'two' },
        h('div', { class: 'field' }, h('label', { for: 'silence-author' }, 'Created by'), authorInput),
        h('div', { class: 'field' }, h('label', { for: 'silence-comment' }, 'Comment'), commentInput)),
      h('div', { class: 'row', style: 'justify-content:flex-end' },
        h('button', { type: 'button', class: 'btn', onclick: close }, 'Cancel'), submit));

    async function onSubmit(e) {
      e.preventDefault();
      const problems = [];
      const { matchers, errors } = parseMatchers(matchersInput.value);
      problems.push(...errors);
      if (!matchers.length && !errors.length) problems.push('Add at least one matcher.');
      if (matchers.length && matchers.every(m => (m.isRegex ? new RegExp(`^(?:${m.value})$`).test('') : m.value === '') === m.isEqual)) {
        problems.push('These matchers match every alert (all of them match an empty label); add a matcher with a value.');
      }
      const start = startsInput.value ? new Date(startsInput.value) : new Date();
      const end = new Date(endsInput.value);
      if (Number.isNaN(start.getTime())) problems.push('The start time is not a valid date.');
      if (Number.isNaN(end.getTime())) problems.push('Give a duration like 2h or 30m, or an end time.');
      else if (end <= start) problems.push('The end must be after the start.');
      else if (end <= new Date()) problems.push('The end is in the past.');
      if (!authorInput.value.trim()) problems.push('Say who creates the silence.');
      if (!commentInput.value.trim()) problems.push('Add a comment explaining why.');
      showErrors(problems);
      if (problems.length) return;

      submit.disabled = true;
      try {
        // A start in the past (form opened minutes ago) is sent as "now" so the silence is active at once.
        const startsAt = start < new Date() ? new Date() : start;
        const res = await api.createSilence({
          matchers, startsAt: startsAt.toISOString(), endsAt: end.toISOString(),
          createdBy: authorInput.value.trim(), comment: commentInput.value.trim(),
        });
        localStorage.setItem(AUTHOR_KEY, authorInput.value.trim());
        ctx.info(`Silence ${res?.silenceID ? res.silenceID.slice(0, 8) + ' ' : ''}created until ${absolute(end.toISOString())}.`);
        close();
        load();
        ctx.refreshSummary();
      } catch (err) {
        if (err.status === 401) return;
        // The server lists every problem in `errors`; `detail` is their one-line summary.
        showErrors(err.fieldErrors.length ? err.fieldErrors : [err.message]);
      } finally {
        submit.disabled = false;
      }
    }

    function showErrors(list) {
      errorsBox.hidden = !list.length;
      mount(errorsBox, list.length ? [h('strong', {}, 'The silence was not created:'), h('ul', {}, list.map(p => h('li', {}, p)))] : null);
      if (list.length) errorsBox.scrollIntoView({ block: 'nearest' });
    }

    mount(formHost, form);
    (matchersInput.value ? commentInput : matchersInput).focus();
  }

  // ---------- lists ----------
  const load = oneAtATime(async () => {
    try {
      const list = await api.silences();
      if (disposed) return;
      loaded = true;
      silences = list || [];
      render();
    } catch (err) {
      if (disposed) return;
      if (!loaded) mount(lists, h('div', { class: 'card' }, errorState('silences', err)));
      ctx.error(err);
    }
  });

  async function expire(s, button) {
    if (!confirm(`Expire silence ${s.id.slice(0, 8)} now? Matching alerts will notify again.`)) return;
    button.disabled = true;
    try {
      await api.expireSilence(s.id);
      ctx.info(`Silence ${s.id.slice(0, 8)} expired.`);
      load();
    } catch (err) {
      ctx.error(err, 'Could not expire the silence');
      button.disabled = false;
    }
  }

  function render() {
    const now = Date.now();
    const by = { active: [], pending: [], expired: [] };
    for (const s of silences) by[stateOf(s, now)].push(s);
    by.active.sort((a, b) => a.endsAt.localeCompare(b.endsAt));
    by.pending.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
    by.expired.sort((a, b) => b.endsAt.localeCompare(a.endsAt));
    mount(lists, GROUPS.map(g => {
      let items = by[g.state];
      const hidden = g.state === 'expired' && !showAllExpired ? Math.max(0, items.length - EXPIRED_SHOWN) : 0;
      if (hidden) items = items.slice(0, EXPIRED_SHOWN);
      return h('section', { class: 'card section', 'data-testid': `silences-${g.state}`, 'aria-labelledby': `sil-${g.state}` },
        h('div', { class: 'section-head' },
          h('h2', { id: `sil-${g.state}`, class: 'group-title' }, h('span', { class: `pill pill-${g.state}` }, g.title)),
          h('span', { class: 'count' }, String(by[g.state].length))),
        items.length ? table(g.state, items, now) : h('div', { class: 'empty', style: 'padding:1rem' }, h('div', { class: 'empty-hint' }, g.empty)),
        hidden ? h('div', { class: 'table-foot' }, h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => { showAllExpired = true; render(); } }, `Show ${hidden} older`)) : null);
    }));
  }

  function table(state, items, now) {
    return h('table', { class: 'table silences-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Matchers'), h('th', { scope: 'col' }, 'Created by'), h('th', { scope: 'col' }, 'Comment'),
        h('th', { scope: 'col' }, 'Starts'), h('th', { scope: 'col' }, 'Ends'),
        h('th', { scope: 'col', class: 'num' }, state === 'pending' ? 'Starts in' : state === 'active' ? 'Remaining' : 'Ended'),
        h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')))),
      h('tbody', {}, items.map(s => {
        const remaining = state === 'active' ? (Date.parse(s.endsAt) - now) / 1000 : state === 'pending' ? (Date.parse(s.startsAt) - now) / 1000 : null;
        let action;
        if (state === 'expired') {
          action = h('button', { type: 'button', class: 'btn btn-sm', title: 'New silence with the same matchers', onclick: () => { formHost.replaceChildren(); openForm({ matchers: (s.matchers || []).map(formatMatcher), comment: s.comment }); window.scrollTo(0, 0); } }, 'Recreate');
        } else {
          action = h('button', { type: 'button', class: 'btn btn-sm btn-danger', 'data-testid': 'expire-silence', onclick: () => expire(s, action) }, 'Expire');
        }
        return h('tr', { 'data-testid': 'silence-row', 'data-silence-id': s.id },
          h('td', {}, h('span', { class: 'chips' }, (s.matchers || []).map(matcherChip)), h('div', { class: 'silence-id', title: s.id }, s.id.slice(0, 8))),
          h('td', { class: 'nowrap' }, s.createdBy),
          h('td', { style: 'max-width:380px' }, s.comment),
          h('td', { class: 'nowrap' }, time(s.startsAt)),
          h('td', { class: 'nowrap' }, time(s.endsAt)),
          h('td', { class: 'num remaining nowrap' }, remaining != null ? duration(remaining) : time(s.endsAt)),
          h('td', { class: 'nowrap' }, action));
      })));
  }

  if (query.get('new')) openForm({ matchers: query.getAll('matcher') });
  load();
  // Silences expire and start on their own without a `changed` event: refetch every 30 s (also after a failed first
  // read, which would otherwise show its error until the user navigates).
  const ticker = setInterval(load, 30000);
  return {
    refresh: (detail) => { if (detail?.poll) load(); },
    unmount: () => { disposed = true; clearInterval(ticker); },
  };
}

export { mountPage as mount };
