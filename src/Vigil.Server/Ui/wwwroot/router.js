// Hash router: '#/incidents', '#/incidents/42', '#/alerts?filter=...', '#/silences?new=1&...'.

const routes = [];

/** Registers a route; `pattern` like '/incidents/:id'. */
export function route(pattern, load) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => (names.push(n), '([^/]+)')) + '/?$');
  routes.push({ re, names, load });
}

/** Parses the current hash into {path, query}. */
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/incidents';
  const [path, qs = ''] = raw.split('?');
  return { path: path && path !== '/' ? path : '/incidents', query: new URLSearchParams(qs) };
}

export function resolve({ path }) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) return { load: r.load, params: Object.fromEntries(r.names.map((n, i) => [n, decodeURIComponent(m[i + 1])])) };
  }
  return null;
}

/** Builds a hash link: link('/silences', {new: 1}) → '#/silences?new=1'. Arrays become repeated params. */
export function link(path, query) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) {
    for (const x of Array.isArray(v) ? v : [v]) if (x != null && x !== '') qs.append(k, x);
  }
  const s = qs.toString();
  return '#' + path + (s ? '?' + s : '');
}

/** Changes the query of the current route without adding a history entry or re-mounting the page. */
export function replaceQuery(query) {
  history.replaceState(null, '', link(current().path, query));
}

export function navigate(hash) {
  location.hash = hash;
}
