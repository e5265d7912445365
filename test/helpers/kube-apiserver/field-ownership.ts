import { isDeepStrictEqual } from 'node:util';
import type { StatusCause } from './api-status.ts';

/**
 * Server-side apply field ownership, coarse but faithful to what a client can observe
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/):
 * - every manager owns a set of leaf field paths (maps are descended, lists are atomic);
 * - an apply that sets a field another manager owns with a different value is a conflict (409)
 *   unless `force=true`, which takes the field over;
 * - fields a manager applied before and no longer applies are removed, unless someone else owns them;
 * - non-apply writes (create, update, merge patch) take ownership of the fields they change.
 */
type Obj = Record<string, unknown>;
export type FieldPath = readonly string[];

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  /** JSON-encoded paths. */
  fields: Set<string>;
}

const UNTRACKED_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function leaves(value: unknown, prefix: string[], out: string[][]): void {
  if (isMap(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) leaves(v, [...prefix, k], out);
  } else {
    out.push(prefix);
  }
}

/** The leaf paths a write is judged by: no apiVersion/kind, no server-set metadata, no status. */
export function trackedPaths(object: Obj): string[][] {
  const out: string[][] = [];
  for (const [k, v] of Object.entries(object)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isMap(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (!UNTRACKED_METADATA.has(mk)) leaves(mv, ['metadata', mk], out);
      }
      continue;
    }
    leaves(v, [k], out);
  }
  return out;
}

export function valueAt(object: unknown, path: FieldPath): unknown {
  let cur = object;
  for (const key of path) {
    if (!isMap(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function overlaps(a: FieldPath, b: FieldPath): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function deleteAt(object: Obj, path: FieldPath): void {
  const parents: Obj[] = [object];
  let cur: unknown = object;
  for (const key of path.slice(0, -1)) {
    if (!isMap(cur)) return;
    cur = cur[key];
    if (!isMap(cur)) return;
    parents.push(cur);
  }
  const last = path[path.length - 1];
  const parent = parents[parents.length - 1];
  if (last === undefined || !parent) return;
  delete parent[last];
  // Drop maps left empty by the removal (SSA removes the field, not just its value).
  for (let i = parents.length - 1; i > 0; i--) {
    const map = parents[i];
    const key = path[i - 1];
    const up = parents[i - 1];
    if (map && key !== undefined && up && Object.keys(map).length === 0) delete up[key];
    else break;
  }
}

function mergeInto(target: Obj, patch: Obj): void {
  for (const [k, v] of Object.entries(patch)) {
    const existing = target[k];
    if (isMap(v) && isMap(existing)) mergeInto(existing, v);
    else target[k] = structuredClone(v);
  }
}

export class ApplyConflictError extends Error {
  override name = 'ApplyConflictError';
  readonly causes: StatusCause[];
  constructor(causes: StatusCause[]) {
    const lines = causes.map((c) => `${c.message}: ${c.field}`);
    super(
      `Apply failed with ${causes.length} conflict${causes.length === 1 ? '' : 's'}: ${lines.join('\n')}`,
    );
    this.causes = causes;
  }
}

const key = (path: FieldPath): string => JSON.stringify(path);
const parse = (k: string): string[] => JSON.parse(k) as string[];

/** Fields `config` sets that other managers own with a different value; with `force`, they lose them. */
function takeOrConflict(opts: {
  live: Obj | undefined;
  config: Obj;
  paths: string[][];
  managers: ManagerEntry[];
  manager: string;
  force: boolean;
}): StatusCause[] {
  const conflicts: StatusCause[] = [];
  for (const entry of opts.managers) {
    if (entry.manager === opts.manager) continue;
    for (const owned of [...entry.fields].map(parse)) {
      for (const path of opts.paths.filter((p) => overlaps(owned, p))) {
        if (opts.force) entry.fields.delete(key(owned));
        else if (!isDeepStrictEqual(valueAt(opts.live, path), valueAt(opts.config, path))) {
          conflicts.push({
            reason: 'FieldManagerConflict',
            message: `conflict with "${entry.manager}"${entry.operation === 'Update' ? ` using ${entry.apiVersion}` : ''}`,
            field: `.${path.join('.')}`,
          });
        }
      }
    }
  }
  return conflicts;
}

/** Removes fields the manager applied before and applies no more, unless another manager owns them. */
function dropUnapplied(
  object: Obj,
  mine: ManagerEntry | undefined,
  managers: ManagerEntry[],
  newPaths: string[][],
): void {
  if (!mine) return;
  const newKeys = new Set(newPaths.map(key));
  for (const old of mine.fields) {
    if (newKeys.has(old)) continue;
    const path = parse(old);
    const ownedElsewhere = managers.some(
      (m) => m !== mine && [...m.fields].some((f) => overlaps(parse(f), path)),
    );
    const stillApplied = newPaths.some((p) => overlaps(p, path));
    if (!ownedElsewhere && !stillApplied) deleteAt(object, path);
  }
}

/** Server-side apply of `config` by `manager` onto `live` (undefined: the object is created). */
export function applyFields(opts: {
  live: Obj | undefined;
  config: Obj;
  managers: ManagerEntry[];
  manager: string;
  force: boolean;
  apiVersion: string;
  now: string;
}): { object: Obj; managers: ManagerEntry[] } {
  const { live, config, manager } = opts;
  const managers = opts.managers.map((m) => ({ ...m, fields: new Set(m.fields) }));
  const newPaths = trackedPaths(config);
  const conflicts = takeOrConflict({ live, config, paths: newPaths, managers, manager, force: opts.force });
  if (conflicts.length > 0) throw new ApplyConflictError(conflicts);

  const object: Obj = structuredClone(live ?? {});
  const mine = managers.find((m) => m.manager === manager && m.operation === 'Apply');
  dropUnapplied(object, mine, managers, newPaths);
  const configBody = structuredClone(config);
  const configMeta = isMap(configBody.metadata) ? configBody.metadata : {};
  for (const k of UNTRACKED_METADATA) delete configMeta[k];
  delete configBody.status;
  mergeInto(object, configBody);

  const newKeys = new Set(newPaths.map(key));
  const valuesChanged = newPaths.some((p) => !isDeepStrictEqual(valueAt(live, p), valueAt(object, p)));
  const setChanged =
    !mine || mine.fields.size !== newKeys.size || [...newKeys].some((k) => !mine.fields.has(k));
  if (mine) {
    mine.fields = newKeys;
    mine.apiVersion = opts.apiVersion;
    if (setChanged || valuesChanged) mine.time = opts.now;
  } else {
    managers.push({
      manager,
      operation: 'Apply',
      apiVersion: opts.apiVersion,
      time: opts.now,
      fields: newKeys,
    });
  }
  return { object, managers: managers.filter((m) => m.fields.size > 0) };
}

/** Ownership after a non-apply write (create, update, patch): the writer takes the fields it changed. */
export function recordUpdate(opts: {
  before: Obj | undefined;
  after: Obj;
  managers: ManagerEntry[];
  manager: string;
  apiVersion: string;
  now: string;
  subresource?: string;
}): ManagerEntry[] {
  const managers = opts.managers.map((m) => ({ ...m, fields: new Set(m.fields) }));
  const candidates = new Map<string, string[]>();
  for (const p of trackedPaths(opts.after)) candidates.set(key(p), p);
  if (opts.before) for (const p of trackedPaths(opts.before)) candidates.set(key(p), p);
  const changed = [...candidates.values()].filter(
    (p) => !isDeepStrictEqual(valueAt(opts.before, p), valueAt(opts.after, p)),
  );
  if (changed.length === 0) return managers;
  for (const entry of managers) {
    for (const owned of [...entry.fields]) {
      if (changed.some((p) => overlaps(parse(owned), p))) entry.fields.delete(owned);
    }
  }
  let mine = managers.find(
    (m) => m.manager === opts.manager && m.operation === 'Update' && m.subresource === opts.subresource,
  );
  if (!mine) {
    mine = {
      manager: opts.manager,
      operation: 'Update',
      apiVersion: opts.apiVersion,
      time: opts.now,
      fields: new Set(),
    };
    if (opts.subresource) mine.subresource = opts.subresource;
    managers.push(mine);
  }
  for (const p of changed) if (valueAt(opts.after, p) !== undefined) mine.fields.add(key(p));
  mine.time = opts.now;
  return managers.filter((m) => m.fields.size > 0);
}

/** `metadata.managedFields` as the API returns it (fieldsV1 with `f:` keys). */
export function formatManagedFields(managers: readonly ManagerEntry[]): Obj[] {
  return managers.map((m) => {
    const fieldsV1: Obj = {};
    for (const k of m.fields) {
      let cur = fieldsV1;
      for (const part of parse(k)) {
        const next = (cur[`f:${part}`] ?? {}) as Obj;
        cur[`f:${part}`] = next;
        cur = next;
      }
    }
    const entry: Obj = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      time: m.time,
      fieldsType: 'FieldsV1',
      fieldsV1,
    };
    if (m.subresource) entry.subresource = m.subresource;
    return entry;
  });
}
