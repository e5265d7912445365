import {
  type Document,
  isMap,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  Scalar,
  visit,
  type YAMLMap,
} from 'yaml';

/**
 * Field names of a kustomization, its entries and the builtin plugin configs that Ferry reads to find
 * paths (loadKustomizationTree). kustomize decodes YAML through JSON into Go structs
 * (sigs.k8s.io/yaml, encoding/json), whose field names match case-insensitively: `Resources:` and
 * `ConfigMapGenerator:` are fields to kustomize.
 */
const FIELDS = [
  'resources',
  'bases',
  'components',
  'crds',
  'configurations',
  'generators',
  'transformers',
  'validators',
  'patchesStrategicMerge',
  'patches',
  'patchesJson6902',
  'replacements',
  'openapi',
  'configMapGenerator',
  'secretGenerator',
  'helmCharts',
  'helmChartInflationGenerator',
  'helmGlobals',
  'images',
  'namePrefix',
  'nameSuffix',
  'apiVersion',
  'kind',
  'name',
  'newName',
  'newTag',
  'digest',
  'files',
  'env',
  'envs',
  'path',
  'paths',
  'patch',
  'target',
];

/**
 * Go's encoding/json folds names with Unicode simple case folding: besides ASCII case, `ſ` (U+017F)
 * matches `s` and the Kelvin sign (U+212A) matches `k`. No other character folds to an ASCII letter.
 */
function foldName(name: string): string {
  return name
    .replace(/\u017f/g, 's')
    .replace(/\u212a/g, 'k')
    .replace(/[A-Z]/g, (c) => c.toLowerCase());
}

const FIELD_BY_FOLD = new Map(FIELDS.map((f) => [foldName(f), f]));

/** Nodes an alias expansion may add to one file: a kustomization is small, a billion laughs is not. */
const MAX_EXPANDED_NODES = 10_000;

export interface KustomizeReadProblem {
  message: string;
  /** The node the problem is at, for its line. */
  node?: unknown;
}

/**
 * Rewrites `doc` in place into what kustomize decodes from it, so that a walk of the document sees
 * every path kustomize will load: aliases (`*a`) are expanded, merge keys (`<<: {…}`) merged, `!!binary`
 * scalars decoded into the strings go-yaml makes of them, and a key that names a field in another
 * case (`Resources`, `reſources`) renamed to the field. A key set twice that way (`files` and `Files`,
 * or set and merged) is a problem: kustomize reads only one of them. So is an expansion past
 * MAX_EXPANDED_NODES.
 */
export function readAsKustomize(doc: Document): KustomizeReadProblem | undefined {
  const expanded = expandAliases(doc);
  if (expanded) return expanded;
  let problem: KustomizeReadProblem | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if (node.value instanceof Uint8Array) node.value = Buffer.from(node.value).toString('utf8');
    },
    Map(_key, map) {
      problem ??= mergeKeys(map) ?? foldKeys(map);
      return problem ? visit.BREAK : undefined;
    },
  });
  return problem;
}

function expandAliases(doc: Document): KustomizeReadProblem | undefined {
  let added = 0;
  let problem: KustomizeReadProblem | undefined;
  visit(doc, {
    Alias(_key, alias) {
      const target = alias.resolve(doc);
      if (target === undefined) {
        problem = { message: `alias *${alias.source} names no anchor`, node: alias };
        return visit.BREAK;
      }
      added += countNodes(target);
      if (added > MAX_EXPANDED_NODES) {
        problem = {
          message: `its aliases expand to more than ${MAX_EXPANDED_NODES} YAML nodes; write the values out`,
          node: alias,
        };
        return visit.BREAK;
      }
      const copy = target.clone() as Node;
      copy.anchor = undefined;
      // Visited in its turn: aliases inside the copy are expanded too, and counted.
      return copy;
    },
  });
  return problem;
}

function countNodes(node: unknown): number {
  let n = 0;
  visit(node as Node, {
    Node() {
      n++;
    },
  });
  return n;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.value === '<<' && (key.type === 'PLAIN' || key.type === undefined);
}

/**
 * go-yaml's merge keys: the pairs of the map (or maps, earlier ones first) under `<<` become the map's
 * own. A key both set and merged is reported rather than guessed at, as go-yaml versions differ on
 * which wins.
 */
function mergeKeys(map: YAMLMap): KustomizeReadProblem | undefined {
  const merges = map.items.filter((pair) => isMergeKey(pair.key));
  if (merges.length === 0) return undefined;
  const own = map.items.filter((pair) => !isMergeKey(pair.key));
  const merged: Pair[] = [];
  for (const merge of merges) {
    const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
    for (const source of sources) {
      if (!isMap(source)) return { message: 'a merge key (<<) must hold a mapping', node: merge.key };
      merged.push(...source.items.map((pair) => pair.clone()));
    }
  }
  map.items = [...own, ...merged];
  return duplicateField(map);
}

function foldKeys(map: YAMLMap): KustomizeReadProblem | undefined {
  for (const pair of map.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
    const field = FIELD_BY_FOLD.get(foldName(pair.key.value));
    if (field === undefined || field === pair.key.value) continue;
    const renamed = new Scalar(field);
    renamed.range = pair.key.range;
    pair.key = renamed;
  }
  return duplicateField(map);
}

/** Two pairs of one map for the same field: kustomize reads one of them, which Ferry cannot tell. */
function duplicateField(map: YAMLMap): KustomizeReadProblem | undefined {
  const seen = new Set<string>();
  for (const pair of map.items) {
    const key = isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : undefined;
    if (key === undefined || !FIELD_BY_FOLD.has(foldName(key))) continue;
    if (seen.has(key)) {
      return {
        message: `field ${key} is set twice (in another case, or by a merge key <<); kustomize reads only one: keep one`,
        node: pair.key,
      };
    }
    seen.add(key);
  }
  return undefined;
}
