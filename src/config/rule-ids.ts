/**
 * Ferry's validation rules, as `.github/ferry.yml` names them under `rules:`. The config schema is strict
 * about these ids (a typo would otherwise silently configure nothing), so a new rule adds its id here.
 */
export const RULE_DESCRIPTIONS = {
  schema: 'Resources match their Kubernetes or CRD schema, with no unknown fields.',
  parse: 'Manifest files are valid YAML or JSON within size, alias and nesting limits.',
  config: 'The repository config, .github/ferry.yml, is valid.',
  render: 'Each target renders (plain YAML, kustomize or helm) within time and size limits.',
  'gpu-limits': 'Containers that request GPUs set matching GPU limits.',
  'traffic-split': 'Canary and traffic-split percentages are within 0–100 and add up.',
  'image-pinned': 'Container images are pinned by digest or an immutable tag, not latest.',
  'model-pinned': 'Model storage URIs point at a fixed model version.',
  'model-requests': 'Model servers set CPU and memory requests.',
  'plaintext-secret':
    'No Secret committed with plaintext values, and no credential-like env var with a literal value.',
  'env-reference':
    // biome-ignore lint/suspicious/noTemplateCurlyInString: ${NAME} is the text the rule is about.
    'No env value or non-shell argument written $NAME or ${NAME}, which the container would get as that text.',
  'duplicate-resource': 'No two resources share the same identity in one target.',
  'duplicate-container':
    'Container names are unique within a pod (containers, init and ephemeral containers).',
  'deprecated-api': 'No API versions deprecated or removed in the configured Kubernetes version.',
  'selector-match': "Workload selectors match their pod template's labels.",
  'object-size':
    'ConfigMaps and Secrets hold at most 1 MiB of data, and no object is over etcd’s 1.5 MiB request limit.',
} as const satisfies Record<string, string>;

export type RuleId = keyof typeof RULE_DESCRIPTIONS;

export const RULE_IDS = Object.keys(RULE_DESCRIPTIONS) as RuleId[];
