import type { DocumentOptions, ParseOptions, SchemaOptions, Tags } from 'yaml';

/**
 * YAML tags as kubectl resolves them. kubectl decodes manifests with sigs.k8s.io/yaml, which uses go-yaml v2:
 * YAML 1.1 scalars (`yes`/`on`/`y` are booleans, `0644` is octal 420 — the Kubernetes docs rely on it for
 * `defaultMode`), `<<` merge keys, but no sexagesimal numbers (`10:30` stays a string) and timestamps stay
 * strings when decoding into untyped objects. The yaml package's `yaml-1.1` schema minus those tags matches.
 * `!!binary`, `!!omap`, `!!pairs` and `!!set` would give Buffers, Maps and Sets (not JSON data): dropped, so
 * such a tag becomes a warning and the node plain data.
 */
const DROPPED_TAGS: ReadonlySet<string> = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
  'tag:yaml.org,2002:set',
]);

function kubectlTags(tags: Tags): Tags {
  return tags.filter((tag) => {
    if (typeof tag !== 'object') return true;
    // intTime / floatTime are the sexagesimal forms (`format: 'TIME'`).
    return !DROPPED_TAGS.has(tag.tag) && !('format' in tag && tag.format === 'TIME');
  });
}

/** Options for `parseAllDocuments` so that values come out as `kubectl apply -f` would send them. */
export const KUBE_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  customTags: kubectlTags,
  merge: true,
  // Duplicate keys are an error for the API server's strict field validation and for kubectl: a finding.
  uniqueKeys: true,
  prettyErrors: false,
};
