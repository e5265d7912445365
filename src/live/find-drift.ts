/**
 * Live drift (issue 13), pure: where the cluster no longer holds what the applied revision says. Every
 * field the applied manifest sets is compared with the live object, the way the API server stores it
 * (quantities `1000m` = `1`, `1Gi` = `1024Mi`, int-or-string ports, defaulted empty maps, Secret
 * `stringData` as `data`); fields the server or Ferry add (status, server metadata, Ferry's labels and
 * annotations) are not compared. Who changed a field comes from the live object's managedFields.
 */
import { Buffer } from 'node:buffer';
import { locationOf } from '../manifest/line-of.ts';
import { formatResourceId } from '../manifest/resource-id.ts';
import { setOwn } from '../manifest/set-own.ts';
import type { KubeObject, Resource } from '../types.ts';
import { parseQuantity } from '../validate/rules/parse-quantity.ts';
import type { LiveFinding } from './live-result.ts';

type Obj = Record<string, unknown>;

/** At most this many fields are listed in one finding. */
export const MAX_DRIFT_FIELDS = 5;

/** The field manager the agent applies as (src/signal FIELD_MANAGER; repeated here to keep src/live pure). */
const FERRY_MANAGER = 'ferry';

/** Labels and annotations Ferry or kubectl add to every object: not part of what Git says. */
function isAddedKey(key: string): boolean {
  return (
    key.startsWith('ferry.dev/') ||
    key.startsWith('applyset.kubernetes.io/') ||
    key === 'kubectl.kubernetes.io/last-applied-configuration'
  );
}

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A path step: a map key, or a list item (matched by `name`, else by position). */
type Step = { key: string } | { index: number; item: unknown; name?: string };

export interface DriftedField {
  /** `spec.template.spec.containers[server].image`. */
  path: string;
  /** For the field's line in the head: JSON-pointer segments. */
  pointer: (string | number)[];
  want: unknown;
  have: unknown;
  /** The field manager that owns the live value (not `ferry`), when managedFields say. */
  manager?: string;
}

function isSecretObject(o: KubeObject): boolean {
  return o.kind === 'Secret' && o.apiVersion === 'v1';
}

/** What Git says, in the form the server stores it (stringData → data) and without what Ferry adds. */
function comparable(object: KubeObject): Obj {
  const { apiVersion: _a, kind: _k, status: _s, metadata, ...rest } = object;
  const meta = isMap(metadata) ? metadata : {};
  const out: Obj = { ...rest };
  const kept: Obj = {};
  for (const field of ['labels', 'annotations'] as const) {
    if (!isMap(meta[field])) continue;
    const entries = Object.entries(meta[field]).filter(([k]) => !isAddedKey(k));
    if (entries.length > 0) kept[field] = Object.fromEntries(entries);
  }
  if (Object.keys(kept).length > 0) out.metadata = kept;
  if (isSecretObject(object) && isMap(object.stringData)) {
    const data = isMap(out.data) ? { ...out.data } : {};
    for (const [k, v] of Object.entries(object.stringData))
      setOwn(data, k, Buffer.from(String(v ?? '')).toString('base64'));
    out.data = data;
    delete out.stringData;
  }
  return out;
}

/** Equal as the server would store them: quantities, int-or-string, null and empty maps as absent. */
export function isSameValue(want: unknown, have: unknown): boolean {
  if (want === have) return true;
  if ((want === null || want === undefined) && (have === null || have === undefined)) return true;
  if (typeof want === 'number' || typeof want === 'string') {
    if (typeof have !== 'number' && typeof have !== 'string') return false;
    if (String(want) === String(have)) return true;
    const a = parseQuantity(want);
    const b = parseQuantity(have);
    return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
  }
  if (typeof want === 'boolean') return want === have;
  if (isMap(want) && Object.keys(want).length === 0)
    return have === undefined || (isMap(have) && Object.keys(have).length === 0);
  if (Array.isArray(want) && want.length === 0)
    return have === undefined || (Array.isArray(have) && have.length === 0);
  return false;
}

function nameOf(v: unknown): string | undefined {
  return isMap(v) && typeof v.name === 'string' ? v.name : undefined;
}

/** Every leaf Git sets that the live object does not hold. */
function compare(
  want: unknown,
  have: unknown,
  path: Step[],
  out: { path: Step[]; want: unknown; have: unknown }[],
): void {
  if (isMap(want) && Object.keys(want).length > 0) {
    const live = isMap(have) ? have : undefined;
    for (const [k, v] of Object.entries(want)) compare(v, live?.[k], [...path, { key: k }], out);
    return;
  }
  if (Array.isArray(want) && want.length > 0) {
    const live = Array.isArray(have) ? have : undefined;
    const byName = want.every((w) => nameOf(w) !== undefined);
    want.forEach((w, i) => {
      const name = nameOf(w);
      const item = byName ? live?.find((l) => nameOf(l) === name) : live?.[i];
      if (!isMap(w)) {
        // A list of scalars (args, command) is one value: compare it whole.
        if (!live || live.length !== want.length || !want.every((x, j) => isSameValue(x, live[j]))) {
          if (i === 0) out.push({ path, want, have });
        }
        return;
      }
      compare(w, item, [...path, { index: i, item, ...(name !== undefined ? { name } : {}) }], out);
    });
    return;
  }
  if (!isSameValue(want, have)) out.push({ path, want, have });
}

function formatPath(path: Step[]): string {
  let out = '';
  for (const s of path) {
    if ('key' in s) out += out === '' ? s.key : /^[\w-]+$/.test(s.key) ? `.${s.key}` : `["${s.key}"]`;
    else out += `[${s.name ?? s.index}]`;
  }
  return out;
}

/** Whether a manager's `fieldsV1` covers `path` (or an ancestor of it, e.g. a whole list it set). */
function owns(fields: unknown, path: Step[]): boolean {
  let node = fields;
  for (const step of path) {
    if (!isMap(node)) return false;
    if ('key' in step) {
      node = node[`f:${step.key}`];
      continue;
    }
    const item = step.item;
    const keyed = Object.keys(node).find((k) => {
      if (!k.startsWith('k:')) return false;
      try {
        const match = JSON.parse(k.slice(2)) as Obj;
        return isMap(item) && Object.entries(match).every(([mk, mv]) => String(item[mk]) === String(mv));
      } catch (err) {
        void err;
        return false;
      }
    });
    if (keyed) node = node[keyed];
    else if (`i:${step.index}` in node) node = node[`i:${step.index}`];
    else return Object.keys(node).some((k) => k === '.' || k.startsWith('v:'));
  }
  return node !== undefined;
}

/** The manager other than Ferry that owns the live value at `path`. */
export function ownerOf(live: KubeObject, path: Step[]): string | undefined {
  const entries = ((live.metadata as Obj | undefined)?.managedFields ?? []) as Obj[];
  const owner = entries.find(
    (e) => e.manager !== FERRY_MANAGER && e.subresource !== 'status' && owns(e.fieldsV1, path),
  );
  return typeof owner?.manager === 'string' ? owner.manager : undefined;
}

/** Fields of `applied` the live object no longer holds, with who changed each. */
export function listDriftedFields(applied: KubeObject, live: KubeObject): DriftedField[] {
  const found: { path: Step[]; want: unknown; have: unknown }[] = [];
  const liveComparable = { ...live, metadata: live.metadata };
  compare(comparable(applied), liveComparable, [], found);
  return found.map((f) => {
    const manager = ownerOf(live, f.path);
    return {
      path: formatPath(f.path),
      pointer: f.path.map((s) => ('key' in s ? s.key : s.index)),
      want: f.want,
      have: f.have,
      ...(manager ? { manager } : {}),
    };
  });
}

function formatValue(v: unknown): string {
  if (v === undefined || v === null) return 'nothing';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function keyOf(o: { kind: string; namespace: string; name: string }): string {
  return `${o.kind}|${o.namespace}|${o.name}`;
}

/**
 * Workloads whose replica count an autoscaler in the set owns by design (HPA `scaleTargetRef`, KEDA
 * ScaledObject): `Kind|namespace|name` → the autoscaler, e.g. `HorizontalPodAutoscaler ml/api`.
 */
export function listScaledTargets(resources: readonly Resource[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of resources) {
    const isHpa = r.object.kind === 'HorizontalPodAutoscaler' && r.id.group === 'autoscaling';
    const isKeda = r.object.kind === 'ScaledObject' && r.id.group === 'keda.sh';
    if (!isHpa && !isKeda) continue;
    const ref = ((r.object.spec ?? {}) as { scaleTargetRef?: { kind?: string; name?: string } })
      .scaleTargetRef;
    if (!ref?.name) continue;
    out.set(
      keyOf({ kind: ref.kind ?? 'Deployment', namespace: r.id.namespace, name: ref.name }),
      formatResourceId(r.id),
    );
  }
  return out;
}

/**
 * One object's drift → at most one finding: deleted (warning), fields changed by hand or by another
 * controller (warning, the fields listed with who changed them, Secret values never shown), or only
 * the replica count an autoscaler owns by design (info). `head` is the PR head's copy, for file and
 * line; `branch` names what Git says (`main says 2`).
 */
export function findDrift(opts: {
  applied: Resource;
  live: KubeObject | undefined;
  head?: Resource;
  branch?: string;
  /** listScaledTargets of the applied set. */
  scaled?: ReadonlyMap<string, string>;
}): LiveFinding | undefined {
  const { applied, live, head } = opts;
  const resource = formatResourceId(applied.id);
  const at = (pointer: (string | number)[]) => (head ? locationOf(head, pointer) : undefined);
  const finding = (
    severity: LiveFinding['severity'],
    message: string,
    pointer: (string | number)[],
  ): LiveFinding => {
    const where = at(pointer);
    return {
      check: 'drift',
      severity,
      resource,
      ...(where ? { file: where.file, line: where.line } : {}),
      // Credentials and Secret values leave every live finding together, in makeLiveResult.
      message,
    };
  };
  if (!live) return finding('warning', 'deleted in the cluster (not by Ferry)', []);
  const fields = listDriftedFields(applied.object, live);
  if (fields.length === 0) return undefined;
  const scaler = opts.scaled?.get(
    keyOf({ kind: applied.id.kind, namespace: applied.id.namespace, name: applied.id.name }),
  );
  const byDesign = (f: DriftedField) => scaler !== undefined && f.path === 'spec.replicas';
  const secret = isSecretObject(applied.object);
  const says = opts.branch ?? 'Git';
  const describe = (f: DriftedField) =>
    secret && (f.path.startsWith('data') || f.path.startsWith('stringData'))
      ? `${f.path} differs${f.manager ? ` (${f.manager})` : ''}`
      : `${f.path}: ${says} says ${formatValue(f.want)}, cluster has ${formatValue(f.have)}${f.manager ? ` (${f.manager})` : ''}`;
  const others = fields.filter((f) => !byDesign(f));
  if (others.length === 0) {
    const f = fields[0] as DriftedField;
    return finding('info', `${describe(f)}: owned by ${scaler} by design`, f.pointer);
  }
  const shown = others.slice(0, MAX_DRIFT_FIELDS).map(describe);
  const more = others.length > MAX_DRIFT_FIELDS ? `; and ${others.length - MAX_DRIFT_FIELDS} more` : '';
  return finding(
    'warning',
    `changed in the cluster (not by Ferry): ${shown.join('; ')}${more}`,
    (others[0] as DriftedField).pointer,
  );
}
