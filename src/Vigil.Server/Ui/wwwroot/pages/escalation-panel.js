// The escalation card of an incident: its policy, where it stands, and "escalate now" / "reassign".
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { time, duration } from '../format.js';

const STATUS_TEXT = {
  escalating: 'Escalating', acknowledged: 'Stopped: acknowledged', exhausted: 'Exhausted: nobody acknowledged', ended: 'Ended',
};

/** Returns { element, load() }; the card stays hidden for incidents that follow no escalation policy. */
export function escalationPanel(id, ctx, onChanged) {
  const card = h('section', { class: 'card escalation', 'aria-labelledby': 'escalation-title', 'data-testid': 'escalation-panel' });
  card.hidden = true;
  let busy = false;
  let [reads, stopped] = [0, false]; // the latest read wins; nothing is shown once the page is left

  // The controls are made once: every refresh (the live feed, the incident page's reload after an action) used to
  // rebuild them, wiping a name being typed into "Reassign" — the click then sent nothing.
  const user = h('input', { type: 'text', name: 'user', placeholder: 'user name', 'aria-label': 'Reassign to user', 'data-testid': 'reassign-user', required: true });
  const escalate = h('button', { type: 'button', class: 'btn', 'data-testid': 'escalate-button', onclick: () => run(() => api.escalate(id), escalate) }, 'Escalate now');
  const reassign = h('button', { type: 'submit', class: 'btn btn-ghost', 'data-testid': 'reassign-button' }, 'Reassign');
  const form = h('form', {
    class: 'row',
    onsubmit: async ev => {
      ev.preventDefault();
      const name = user.value.trim();
      if (name && await run(() => api.reassign(id, name), reassign)) user.value = '';
    },
  }, user, reassign);
  const controls = h('div', { class: 'row' }, escalate, form);
  const status = h('span', { class: 'count', 'data-testid': 'escalation-status' });
  const details = h('div');
  mount(card, h('div', { class: 'section-head' }, h('h2', { id: 'escalation-title' }, 'Escalation'), status), details, controls);

  async function load() {
    const read = ++reads;
    try {
      const escalation = await api.escalation(id); // null (204) when the incident follows no policy
      if (stopped || read !== reads) return; // an older answer (e.g. from before an acknowledge) must not come back
      if (escalation) render(escalation);
      else card.hidden = true;
    } catch (err) {
      if (!stopped && read === reads) ctx.error(err, 'Could not load the escalation');
    }
  }

  /** Runs an action; true when it succeeded. */
  async function run(action, button) {
    if (busy) return false;
    busy = true;
    button.disabled = true;
    try {
      const escalation = await action();
      if (stopped) return true;
      ++reads; // newer than any read in flight
      render(escalation);
      onChanged();
      return true;
    } catch (err) {
      ctx.error(err, 'Escalation request failed');
      return false;
    } finally {
      busy = false;
      button.disabled = false;
    }
  }

  function render(e) {
    card.hidden = false;
    const levels = e.policyDetail?.levels || [];
    status.textContent = `${e.policy} · ${STATUS_TEXT[e.status] || e.status}`;
    mount(details,
      e.status === 'escalating' && e.nextDueAt
        ? h('p', { 'data-testid': 'escalation-next' }, `Level ${e.nextLevel} is paged `, time(e.nextDueAt), ' unless someone acknowledges.')
        : null,
      levels.length ? h('ol', { class: 'escalation-levels' }, levels.map((l, i) => h('li', { class: i + 1 === e.nextLevel && e.status === 'escalating' ? 'next' : '' },
        h('strong', {}, l.targets.join(', ')), ` — then ${duration(l.delaySeconds)} to acknowledge`, l.condition ? h('span', { class: 'muted' }, ` (${l.condition})`) : null))) : null);
    controls.hidden = e.status === 'ended';
  }

  return { element: card, load, stop: () => { stopped = true; } };
}
