// Live updates: Server-Sent Events (`event: changed`) with a 15 s polling fallback while the stream is down.
import { streamUrl } from './api.js';

const POLL_MS = 15000;

/**
 * Starts listening; `onChange(detail)` is called for every change (detail = {incidents:[ids], at} or {poll:true}),
 * `onState(state)` with 'live' | 'polling' | 'connecting'. Returns a handle with restart() and stop().
 */
export function startLive(onChange, onState = () => {}) {
  let source = null;
  let pollTimer = null;
  let retryTimer = null;
  let retryDelay = 2000;
  let stopped = false;

  const poll = on => {
    if (on && !pollTimer) pollTimer = setInterval(() => onChange({ poll: true }), POLL_MS);
    if (!on && pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  };

  const connect = () => {
    if (stopped || typeof EventSource === 'undefined') { poll(true); onState('polling'); return; }
    onState('connecting');
    source = new EventSource(streamUrl());
    source.addEventListener('open', () => {
      retryDelay = 2000;
      poll(false);
      onState('live');
    });
    source.addEventListener('changed', ev => {
      let detail = {};
      try { detail = JSON.parse(ev.data || '{}'); } catch { /* keep empty */ }
      onChange(detail);
    });
    source.addEventListener('error', () => {
      // The browser retries by itself unless the stream was refused (e.g. 401); we manage retries ourselves.
      source.close();
      source = null;
      poll(true);
      onState('polling');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    });
  };

  connect();
  return {
    restart() { source?.close(); source = null; clearTimeout(retryTimer); retryDelay = 2000; connect(); },
    stop() { stopped = true; source?.close(); poll(false); clearTimeout(retryTimer); },
  };
}

/**
 * Wraps a page's load so that loads never overlap: a call while one runs makes it run once more when it ends. Live
 * updates start a load at any moment, and two overlapping loads can answer out of order — the older answer then
 * replaces the newer one (a shift just taken vanished from the on-call calendar until the next update came).
 */
export function oneAtATime(load) {
  let running = false;
  let again = false;
  return async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      do {
        again = false;
        await load();
      } while (again);
    } finally {
      running = false;
    }
  };
}

/**
 * Counts a page's writes in flight (`track(write)`; `busy` while any runs). A re-read that finds one leaves the page
 * alone — the form or button that sent it shows the result and stays disabled, where a rebuilt one would offer it
 * again — and the write's own re-read follows.
 */
export function writesInFlight() {
  let count = 0;
  return {
    get busy() { return count > 0; },
    async track(write) {
      count++;
      try {
        return await write();
      } finally {
        count--;
      }
    },
  };
}
