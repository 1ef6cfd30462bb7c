// Parses Alertmanager-style matchers: `name="value"`, `name!="v"`, `name=~"re"`, `name!~"re"` (quotes optional).

const MATCHER = /^\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** One matcher → {name, value, isRegex, isEqual}; throws Error with a readable message. */
export function parseMatcher(text) {
  const m = MATCHER.exec(text);
  if (!m) throw new Error(`"${text.trim()}" is not a matcher (expected name="value", name=~"regex", name!="value")`);
  const [, name, op, rawValue] = m;
  let value = rawValue;
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"')) throw new Error(`unterminated quote in "${text.trim()}"`);
    try { value = JSON.parse(value); } catch { value = value.slice(1, -1); }
  }
  const isRegex = op.includes('~');
  if (isRegex) {
    try { new RegExp(`^(?:${value})$`); } catch (e) { throw new Error(`invalid regular expression for "${name}": ${e.message}`); }
  }
  return { name, value, isRegex, isEqual: !op.startsWith('!') };
}

/** Splits a list of matchers separated by newlines or commas (outside quotes); optional surrounding {}. */
export function splitMatchers(text) {
  const s = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const parts = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quoted) { cur += c + (s[++i] ?? ''); continue; }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ',' || c === '\n')) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  return parts.map(p => p.trim()).filter(Boolean);
}

/** Parses every matcher; returns {matchers, errors}. */
export function parseMatchers(text) {
  const matchers = [];
  const errors = [];
  for (const part of splitMatchers(text)) {
    try { matchers.push(parseMatcher(part)); } catch (e) { errors.push(e.message); }
  }
  return { matchers, errors };
}

/** {name,value,isRegex,isEqual} → 'name=~"value"'. */
export function formatMatcher(m) {
  const op = m.isRegex ? (m.isEqual === false ? '!~' : '=~') : (m.isEqual === false ? '!=' : '=');
  return `${m.name}${op}${JSON.stringify(String(m.value))}`;
}
