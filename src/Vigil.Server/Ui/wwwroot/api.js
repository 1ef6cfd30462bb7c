// Thin fetch wrapper for the Vigil API: bearer token from localStorage, problem+json errors as ApiError.

const TOKEN_KEY = 'vigil.token';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }

  /** Problems listed in `errors` (Vigil sends a list of strings; ASP.NET-style {field: [msg]} also works). */
  get fieldErrors() {
    const errs = this.problem.errors;
    if (!errs) return [];
    if (Array.isArray(errs)) return errs.map(String);
    return Object.entries(errs).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map(m => (k ? `${k}: ${m}` : String(m))));
  }
}

export const token = {
  get: () => localStorage.getItem(TOKEN_KEY) || '',
  set: value => (value ? localStorage.setItem(TOKEN_KEY, value) : localStorage.removeItem(TOKEN_KEY)),
};

const unauthorizedListeners = new Set();
/** Called with the ApiError whenever a request answers 401. */
export function onUnauthorized(fn) {
  unauthorizedListeners.add(fn);
}

export async function request(method, path, { body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(query || {})) {
    for (const v of Array.isArray(value) ? value : [value]) if (v != null && v !== '') url.searchParams.append(key, v);
  }
  const headers = { Accept: 'application/json' };
  const t = token.get();
  if (t) headers.Authorization = `Bearer ${t}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: `Cannot reach the Vigil server (${e.message}).` });
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 300) }; }
  }
  if (!res.ok) {
    const err = new ApiError(res.status, typeof data === 'object' ? data : { detail: String(data) });
    if (res.status === 401) unauthorizedListeners.forEach(fn => fn(err));
    throw err;
  }
  return data;
}

const get = (path, query) => request('GET', path, { query });
const post = (path, body) => request('POST', path, { body });
const enc = encodeURIComponent;

export const api = {
  summary: () => get('/api/v1/summary'),
  whoami: () => get('/api/v1/whoami'),
  oncall: () => get('/api/v1/oncall'),
  schedules: () => get('/api/v1/schedules'),
  users: () => get('/api/v1/users'),
  finalSchedule: (name, from, to) => get(`/api/v1/schedules/${enc(name)}/final`, { from, to }),
  swaps: (schedule, status, from, to) => get('/api/v1/swaps', { schedule, status, from, to }),
  swap: (kind, body) => post(kind === 'take' ? '/api/v1/swaps/take' : '/api/v1/swaps', body),
  swapAction: (id, action, body) => post(`/api/v1/swaps/${enc(id)}/${action}`, body || {}),
  createOverride: body => post('/api/v1/overrides', body),
  deleteOverride: id => request('DELETE', `/api/v1/overrides/${enc(id)}`),
  incidents: (status, limit = 100) => get('/api/v1/incidents', { status, limit }),
  incident: id => get(`/api/v1/incidents/${enc(id)}`),
  incidentAction: (id, action, comment) =>
    post(`/api/v1/incidents/${enc(id)}/${action}`, comment ? { comment } : {}),
  addNote: (id, text) => post(`/api/v1/incidents/${enc(id)}/notes`, { text }),
  escalation: id => get(`/api/v1/incidents/${enc(id)}/escalation`),
  escalate: id => post(`/api/v1/incidents/${enc(id)}/escalate`),
  reassign: (id, user) => post(`/api/v1/incidents/${enc(id)}/reassign`, { user }),
  setPriority: (id, priority) => request('PUT', `/api/v1/incidents/${enc(id)}/priority`, { body: { priority } }),
  notifications: incident => get('/api/v1/notifications', { incident, limit: 100 }),
  alerts: query => get('/api/v2/alerts', query),
  silences: () => get('/api/v2/silences'),
  createSilence: silence => post('/api/v2/silences', silence),
  expireSilence: id => request('DELETE', `/api/v2/silence/${enc(id)}`),
  logSources: () => get('/api/v1/logs/sources'),
  logTemplates: (source, sort, limit) => get('/api/v1/logs/templates', { source, sort, limit }),
  logTemplate: (source, id) => get(`/api/v1/logs/templates/${enc(source)}/${enc(id)}`),
  metricSources: () => get('/api/v1/metrics/sources'),
  metricSeries: (query = {}) => get('/api/v1/metrics/series', query),
  metricSeriesDetail: id => get(`/api/v1/metrics/series/${enc(id)}`),
  relearnMetricSeries: id => post(`/api/v1/metrics/series/${enc(id)}/relearn`),
  deleteMetricSeries: id => request('DELETE', `/api/v1/metrics/series/${enc(id)}`),
  slos: () => get('/api/v1/slos'),
  slo: name => get(`/api/v1/slos/${enc(name)}`),
  sloBurnDown: (name, objective, points) => get(`/api/v1/slos/${enc(name)}/burndown`, { objective, points }),
  freezes: () => get('/api/v1/freezes'),
  freeze: service => get(`/api/v1/services/${enc(service)}/freeze`),
  exemptFreeze: (service, body) => post(`/api/v1/services/${enc(service)}/freeze/exemptions`, body),
  demoInbox: () => get('/api/v1/demo/inbox'),
  revokeExemption: (service, id) => request('DELETE', `/api/v1/services/${enc(service)}/freeze/exemptions/${enc(id)}`),
};

/** URL for the SSE stream; EventSource cannot send headers, so the token goes in the query. */
export function streamUrl() {
  const t = token.get();
  return '/api/v1/stream' + (t ? `?access_token=${enc(t)}` : '');
}
