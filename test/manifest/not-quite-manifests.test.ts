import { describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';

function messages(text: string): string[] {
  return parseManifests(text, 'x.yaml').findings.map((f) => `${f.line} ${f.message}`);
}

describe('documents that look like Kubernetes objects but are not quite', () => {
  it('gives a did-you-mean for misspelt apiVersion and kind instead of dropping the document', () => {
    expect(messages('apiVerison: v1\nknd: ConfigMap\nmetadata:\n  name: a\n')).toEqual([
      '1 document looks like a Kubernetes object but has no apiVersion and no kind, so it is not applied: did you mean "apiVerison" → "apiVersion", "knd" → "kind"?',
    ]);
  });

  it('leaves Helm values, Chart.yaml-like and other config documents alone', () => {
    expect(messages('replicas: 2\nimage:\n  tag: v1\nkind_of: x\n')).toEqual([]);
    expect(messages('name: chart\nversion: 0.1.0\nknd: x\n')).toEqual([]);
  });

  it('says what a Helm repository index or a Chart.yaml with an apiVersion and no kind is', () => {
    // kedacore/charts' docs/index.yaml, as `helm repo index` writes it.
    const index =
      'apiVersion: v1\nentries:\n  keda:\n    - name: keda\n      version: 2.17.0\ngenerated: "2025-06-01T00:00:00Z"\n';
    const chart = 'apiVersion: v2\nname: kubeai\nversion: 0.21.0\n';
    const notAManifest = (what: string) =>
      `1 document has apiVersion but no kind (this is ${what}, not a Kubernetes manifest: keep it out of the target's path)`;
    expect(messages(index)).toEqual([notAManifest('a Helm repository index')]);
    expect(messages(chart)).toEqual([notAManifest("a Helm chart's Chart.yaml")]);
    // seldon-core's scheduler/config/grafana/provisioning/dashboards/dashboard.yml: one error, not a second
    // one for the number ("apiVersion must be a non-empty string").
    expect(messages('apiVersion: 1\nproviders:\n  - name: default\n    folder: ""\n')).toEqual([
      notAManifest('a Grafana provisioning file (its apiVersion is a number)'),
    ]);
    expect(messages('apiVersion: 2\nservices: {}\n')).toEqual([
      notAManifest(
        "another tool's file (its apiVersion is a number; a Kubernetes one is group/version, such as apps/v1)",
      ),
    ]);
    // A number with a kind is a manifest's mistake, said as before.
    expect(messages('apiVersion: 1\nkind: ConfigMap\nmetadata:\n  name: a\n')).toEqual([
      '1 apiVersion must be a non-empty string',
    ]);
    // Anything else with no kind says only that.
    expect(messages('apiVersion: v1\nmetadata:\n  name: a\n')).toEqual([
      '1 document has apiVersion but no kind',
    ]);
  });

  it('says an empty kind is empty, not "has kind but no apiVersion … (no kind)"', () => {
    expect(messages('kind:\nmetadata:\n  name: a\n')).toEqual([
      '1 document has an empty kind and no apiVersion: set both (for example apiVersion: apps/v1, kind: Deployment)',
    ]);
    expect(messages('apiVersion: v1\nkind:\nmetadata:\n  name: a\n')).toEqual([
      "2 kind is empty: set it to the object's type (for example Deployment, Service)",
    ]);
  });

  it('refuses a map or list used as a key, as kubectl does, instead of stringifying it', () => {
    const refused =
      'a map or list is used as a key here; Kubernetes objects are JSON, whose keys are strings, and kubectl refuses this document: write the key as a plain string';
    expect(
      messages('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  ? [x, y]\n  : z\n'),
    ).toEqual([`6 ${refused}`]);
    expect(messages('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n{b: c}: d\n')).toEqual([
      `5 ${refused}`,
    ]);
    expect(
      parseManifests('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n{b: c}: d\n', 'x.yaml')
        .resources,
    ).toEqual([]);
  });

  it('words YAML errors with the line and what to do, not only the parser jargon', () => {
    const [message] = messages('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "x" y\n');
    expect(message).toMatch(
      /^6 line 6 is not valid YAML: unexpected text after a value; check the indentation, or quote/,
    );
    expect(messages('apiVersion: v1\nkind: ConfigMap\ndata:\n  k: "open\n')).toEqual([
      '5 line 5 is not valid YAML: a quote or bracket is not closed; close it where the value ends (Missing closing "quote)',
    ]);
    expect(messages('apiVersion: v1\nkind: Pod\n\tmetadata: {}\n')[0]).toContain('YAML needs spaces');
  });

  // kubeflow/spark-operator@51ead47 examples/spark-pi-prometheus.yaml:25 (a placeholder in braces).
  it('says that a value starting with { or [ is read as a map or list, when text follows its bracket', () => {
    const flow =
      'a value that starts with { or [ is read as a map or list, and text follows where it closes; quote the whole value';
    expect(
      messages(
        'apiVersion: sparkoperator.k8s.io/v1beta2\nkind: SparkApplication\nmetadata:\n  name: a\nspec:\n  image: {IMAGE_REGISTRY}/spark:4.0.1\n',
      ),
    ).toEqual([
      expect.stringMatching(new RegExp(`^6 line 6 is not valid YAML: ${flow.replace(/[{[]/g, '\\$&')} \\(`)),
    ]);
    expect(
      messages('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  - [a, b] c\n')[0],
    ).toContain(flow);
  });
});
