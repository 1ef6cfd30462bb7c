// Demo inbox (--demo only): what the demo's receivers and people were sent through the real outbox, newest first.
// Data from GET /api/v1/demo/inbox; a server that is not a demo answers 404 and the page says so.
import { api } from '../api.js';
import { oneAtATime } from '../live.js';
import { h, mount } from '../dom.js';
import { time, statusPill, emptyState, errorState, loading } from '../format.js';

const POLL_MS = 10000;

function mountPage(root, { ctx }) {
  let disposed = false;
  const countEl = h('span', { class: 'count' });
  const intro = h('div', { class: 'muted card-pad' });
  const body = h('div', { class: 'table-wrap' }, loading('Loading the demo inbox…'));
  mount(root,
    h('div', { class: 'page-head' }, h('h1', {}, 'Demo inbox'), countEl),
    h('section', { class: 'card', 'data-testid': 'demo-inbox' }, intro, body));
  ctx.setTitle('Demo inbox');

  const load = oneAtATime(async () => {
    try {
      const inbox = await api.demoInbox();
      if (!disposed) render(inbox);
    } catch (err) {
      if (disposed) return;
      mount(intro);
      mount(body, err.status === 404
        ? emptyState('No demo inbox', 'This server does not run with --demo: notifications go to the receivers in its config.')
        : errorState('the demo inbox', err));
    }
  });

  function render({ host, capacity, messages }) {
    countEl.textContent = `${messages.length} message${messages.length === 1 ? '' : 's'}`;
    mount(intro,
      'The demo\'s receivers and people are webhooks at ', h('code', {}, `http://${host}/NAME`),
      ': notifications and escalation pages go through the real outbox (payload, retries, notification log, timeline), and this server answers them itself. ',
      `The latest ${capacity} are kept, in memory only.`);
    if (!messages.length) {
      mount(body, emptyState('Nothing delivered yet', 'The demo\'s first incidents are notified after their 5 s group_wait.'));
      return;
    }
    mount(body, h('table', { class: 'table', 'data-testid': 'inbox-table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, 'Received'), h('th', { scope: 'col' }, 'To'), h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Message'), h('th', { scope: 'col' }, 'Size'))),
      h('tbody', {}, messages.map(m => h('tr', { 'data-testid': 'inbox-row', 'data-target': m.target, 'data-status': m.status },
        h('td', { class: 'nowrap' }, time(m.receivedAt)),
        h('td', { class: 'nowrap' }, h('code', {}, m.target)),
        h('td', {}, statusPill(m.status)),
        h('td', {}, m.summary),
        h('td', { class: 'nowrap muted' }, `${m.bytes.toLocaleString()} B`))))));
  }

  load();
  // Deliveries change incidents (a "Notified …" timeline entry), which the live feed reports; the poll covers the rest.
  const timer = setInterval(load, POLL_MS);
  return {
    refresh: () => load(),
    unmount: () => { disposed = true; clearInterval(timer); },
  };
}

export { mountPage as mount };
