import type { Resource } from '../types.ts';

/**
 * A small stand-in for `resource` for a finding decided after the resource itself is dropped, as a rule
 * fed a target in parts does (RuleStream): its identity, file and line, and its field lines (still
 * computed only if a finding asks, from a copy of its document's text, not a view of its file's), but
 * none of the object except its apiVersion and kind.
 */
export function standInFor(resource: Resource): Resource {
  const { id, apiVersion, object, file, line, pointers, pointerFiles, lines } = resource;
  return {
    id,
    apiVersion,
    object: { apiVersion: object.apiVersion, kind: object.kind },
    file,
    line,
    ...(pointers ? { pointers } : {}),
    ...(pointerFiles ? { pointerFiles } : {}),
    ...(lines ? { lines: lines.detached?.() ?? lines } : {}),
  };
}
