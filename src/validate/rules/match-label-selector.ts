import { asArray, asRecord, asString, asStringMap } from '../../manifest/as-record.ts';
import type { AddedLabel } from '../../manifest/list-pod-specs.ts';

/** One requirement of a label selector, as apimachinery's `labels.Requirement` holds it. */
export interface LabelRequirement {
  key: string;
  /** `In`, `NotIn`, `Exists`, `DoesNotExist`; anything else is kept and treated as unknowable. */
  operator: string;
  values: readonly string[];
}

/** `yes`/`no` when the labels decide it; `maybe` when it depends on labels we cannot see. */
export type SelectorMatch = 'yes' | 'no' | 'maybe';

export type { AddedLabel } from '../../manifest/list-pod-specs.ts';

export interface MatchOptions {
  /** Labels a controller may add: a requirement on one of them (absent from `labels`) is `maybe`. */
  addedLabels?: readonly AddedLabel[];
  /** Keys whose values only a controller knows (`pod-template-hash`, …): requirements on them are `maybe`. */
  unknowableKeys?: ReadonlySet<string>;
}

/** A `metav1.LabelSelector` (`matchLabels` + `matchExpressions`) → requirements. */
export function parseLabelSelector(selector: unknown): LabelRequirement[] {
  const record = asRecord(selector);
  const requirements = parseSelectorMap(record?.matchLabels);
  for (const item of asArray(record?.matchExpressions)) {
    const expression = asRecord(item);
    const key = asString(expression?.key);
    if (!expression || key === undefined) continue;
    requirements.push({
      key,
      operator: asString(expression.operator) ?? '',
      values: asArray(expression.values).map(String),
    });
  }
  return requirements;
}

/** A map selector (Service, ReplicationController `spec.selector`) → requirements. */
export function parseSelectorMap(selector: unknown): LabelRequirement[] {
  return Object.entries(asStringMap(selector)).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
}

/** Whether pods with `labels` are selected. An empty selector selects everything. */
export function matchLabelSelector(
  requirements: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
  opts: MatchOptions = {},
): SelectorMatch {
  let result: SelectorMatch = 'yes';
  for (const requirement of requirements) {
    const one = matchRequirement(requirement, labels, opts);
    if (one === 'no') return 'no';
    if (one === 'maybe') result = 'maybe';
  }
  return result;
}

function matchRequirement(
  { key, operator, values }: LabelRequirement,
  labels: Readonly<Record<string, string>>,
  opts: MatchOptions,
): SelectorMatch {
  if (opts.unknowableKeys?.has(key)) return 'maybe';
  const present = Object.hasOwn(labels, key);
  if (!present) {
    const added = opts.addedLabels?.find((a) => addsKey(a, key));
    if (added && mayHaveValue(added, operator, values)) return 'maybe';
  }
  const value = labels[key];
  switch (operator) {
    case 'In':
      return present && value !== undefined && values.includes(value) ? 'yes' : 'no';
    case 'NotIn':
      return present && value !== undefined && values.includes(value) ? 'no' : 'yes';
    case 'Exists':
      return present ? 'yes' : 'no';
    case 'DoesNotExist':
      return present ? 'no' : 'yes';
    default:
      return 'maybe';
  }
}

/** Whether a controller's added label (an exact key, or a prefix ending in `/`) may be `key`. */
export function addsKey(added: AddedLabel, key: string): boolean {
  return added.key === key || (added.key.endsWith('/') && key.startsWith(added.key));
}

function mayHaveValue(added: AddedLabel, operator: string, values: readonly string[]): boolean {
  const prefixes = added.valuePrefixes;
  if (operator !== 'In' || !prefixes) return true;
  return values.some((v) => prefixes.some((p) => v.startsWith(p)));
}

/** kubectl's selector syntax: `app=api,tier in (a,b),!canary`. */
export function formatLabelSelector(requirements: readonly LabelRequirement[]): string {
  return requirements
    .map(({ key, operator, values }) => {
      switch (operator) {
        case 'In':
          return values.length === 1 ? `${key}=${values[0]}` : `${key} in (${values.join(',')})`;
        case 'NotIn':
          return values.length === 1 ? `${key}!=${values[0]}` : `${key} notin (${values.join(',')})`;
        case 'Exists':
          return key;
        case 'DoesNotExist':
          return `!${key}`;
        default:
          return `${key} ${operator} (${values.join(',')})`;
      }
    })
    .join(',');
}
