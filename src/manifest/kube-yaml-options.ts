import type { DocumentOptions, ParseOptions, ScalarTag, SchemaOptions, Tags } from 'yaml';

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

/**
 * Floats as go-yaml v2 resolves them: a plain scalar is one only when it starts with a digit, a sign
 * or a dot and has a digit before any exponent (`yamlStyleFloat`, strconv.ParseFloat). The yaml
 * package's yaml-1.1 floats also take `e959053` (a short git commit, as feast's samples pin
 * `ref: e959053`), `e5` and `.` as the number NaN; kubectl sends them as strings.
 */
export const KUBE_FLOAT_FORMS = {
  exp: /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)[eE][-+]?[0-9]+$/,
  plain: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/,
} as const;

function kubectlTags(tags: Tags): Tags {
  return tags
    .filter((tag) => {
      if (typeof tag !== 'object') return true;
      // intTime / floatTime are the sexagesimal forms (`format: 'TIME'`).
      return !DROPPED_TAGS.has(tag.tag) && !('format' in tag && tag.format === 'TIME');
    })
    .map((tag) => {
      if (typeof tag !== 'object' || tag.tag !== 'tag:yaml.org,2002:float' || 'collection' in tag) return tag;
      const scalar = tag as ScalarTag;
      if (scalar.format === 'EXP') return { ...scalar, test: KUBE_FLOAT_FORMS.exp };
      // The plain float (no format); NaN and infinities (`.nan`, `-.inf`) keep their own test.
      if (scalar.format === undefined && scalar.test && !scalar.test.test('.nan'))
        return { ...scalar, test: KUBE_FLOAT_FORMS.plain };
      return tag;
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
