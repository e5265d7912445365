import { badRequest } from './api-status.ts';

/** One requirement of a label selector (k8s.io/apimachinery/pkg/labels). */
export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside `( … )`. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in "${selector}"`);
  return key;
}

function checkValue(value: string, selector: string): string {
  if (value.length > 63 || !VALUE.test(value)) {
    throw badRequest(`unable to parse requirement: invalid label value "${value}" in "${selector}"`);
  }
  return value;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h`; a malformed selector is a 400, as on a real server. */
export function parseLabelSelector(selector: string): Requirement[] {
  const out: Requirement[] = [];
  for (const term of splitTerms(selector)) {
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const [, key = '', op, list = ''] = setMatch;
      const values = list
        .split(',')
        .map((v) => v.trim())
        .map((v) => checkValue(v, selector));
      out.push({ key: checkKey(key, selector), op: op === 'in' ? 'in' : 'notin', values });
      continue;
    }
    const cmp = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (cmp) {
      const [, key = '', op, value = ''] = cmp;
      out.push({
        key: checkKey(key, selector),
        op: op === '!=' ? 'neq' : 'eq',
        value: checkValue(value, selector),
      });
      continue;
    }
    if (term.startsWith('!')) {
      out.push({ key: checkKey(term.slice(1).trim(), selector), op: 'doesnotexist' });
      continue;
    }
    if (/^\S+$/.test(term)) {
      out.push({ key: checkKey(term, selector), op: 'exists' });
      continue;
    }
    throw badRequest(`unable to parse requirement: found '${term}', expected: in, notin, =, ==, !=`);
  }
  return out;
}

export function matchesLabels(
  requirements: readonly Requirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.op) {
      case 'eq':
        return has && value === r.value;
      case 'neq':
        return !has || value !== r.value;
      case 'in':
        return has && r.values.includes(value ?? '');
      case 'notin':
        return !has || !r.values.includes(value ?? '');
      case 'exists':
        return has;
      case 'doesnotexist':
        return !has;
    }
    return false;
  });
}

/**
 * Field selectors: a real server supports `metadata.name` and `metadata.namespace` on every kind, and
 * the kind's own field labels (`extra`: a Pod's `spec.nodeName`, `status.phase`; a Node's
 * `spec.unschedulable`); any other field is refused with 400.
 */
export function parseFieldSelector(
  selector: string,
  extra: readonly string[] = [],
): Array<{ field: string; op: 'eq' | 'neq'; value: string }> {
  return splitTerms(selector).map((term) => {
    const m = /^([^!=\s]+)\s*(==|!=|=)\s*(\S*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = m;
    if (field !== 'metadata.name' && field !== 'metadata.namespace' && !extra.includes(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
    return { field, op: op === '!=' ? 'neq' : 'eq', value };
  });
}

/** Field labels whose unset value reads as `false`, as the server formats a bool field (strconv.FormatBool). */
const BOOL_FIELD_LABELS = new Set(['spec.unschedulable', 'spec.hostNetwork']);

/** The value a field selector compares: the field at the dotted path, '' (or `false`) when unset. */
export function fieldLabelValue(object: Record<string, unknown>, field: string): string {
  let cur: unknown = object;
  for (const key of field.split('.')) {
    cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[key] : undefined;
  }
  if (cur === undefined || cur === null) return BOOL_FIELD_LABELS.has(field) ? 'false' : '';
  return String(cur);
}
