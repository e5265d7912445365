import { badRequest, invalid } from './api-status.ts';

type Obj = Record<string, unknown>;

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch: maps merge, `null` deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return structuredClone(patch);
  const result: Obj = isMap(target) ? structuredClone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

function tokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`json patch: invalid pointer "${pointer}"`);
  return pointer.slice(1).split('/').map(unescapeToken);
}

function parentOf(doc: unknown, path: string[]): { parent: unknown; key: string } {
  let cur = doc;
  for (const t of path.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isMap(cur)) cur = cur[t];
    else throw invalidPatch(`path ${path.join('/')} does not exist`);
  }
  return { parent: cur, key: path[path.length - 1] ?? '' };
}

function invalidPatch(message: string) {
  return invalid({ kind: 'Patch', group: '', name: '', causes: [{ reason: 'FieldValueInvalid', message }] });
}

function getAt(doc: unknown, path: string[]): unknown {
  let cur = doc;
  for (const t of path) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isMap(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function add(doc: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return structuredClone(value);
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const index = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length)
      throw invalidPatch(`index ${key} out of range`);
    parent.splice(index, 0, structuredClone(value));
  } else if (isMap(parent)) {
    parent[key] = structuredClone(value);
  } else throw invalidPatch(`cannot add at ${path.join('/')}`);
  return doc;
}

function remove(doc: unknown, path: string[]): unknown {
  const { parent, key } = parentOf(doc, path);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!(index >= 0 && index < parent.length)) throw invalidPatch(`index ${key} out of range`);
    parent.splice(index, 1);
  } else if (isMap(parent) && key in parent) {
    delete parent[key];
  } else throw invalidPatch(`unable to remove nonexistent key: ${key}`);
  return doc;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest('json patch: the patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops) {
    if (!isMap(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw badRequest('json patch: every operation needs "op" and "path"');
    }
    const path = tokens(raw.path);
    switch (raw.op) {
      case 'add':
        doc = add(doc, path, raw.value);
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace':
        doc = add(remove(doc, path), path, raw.value);
        break;
      case 'move': {
        const from = tokens(String(raw.from));
        const value = getAt(doc, from);
        doc = add(remove(doc, from), path, value);
        break;
      }
      case 'copy':
        doc = add(doc, path, getAt(doc, tokens(String(raw.from))));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw.value)) {
          throw invalidPatch(`testing value ${raw.path} failed`);
        }
        break;
      default:
        throw badRequest(`json patch: unknown op "${raw.op}"`);
    }
  }
  return doc;
}
