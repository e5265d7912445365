import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPaths } from '../../src/engine/check-paths.ts';
import { checkTarget } from '../../src/engine/check-target.ts';
import { checkTargetFindings } from '../../src/engine/check-target-findings.ts';
import { tempTrees } from '../helpers/temp-trees.ts';
import { target } from '../render/helpers.ts';

const tree = tempTrees('ferry-repo-crds-');

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.x.example.com}
spec:
  group: x.example.com
  scope: Namespaced
  names: {kind: Thing, plural: things}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`;

/** An operator's layout: CRDs in config/crd/bases, samples in config/samples. */
function operatorRepo(): string {
  return tree({
    'config/crd/bases/x.example.com_things.yaml': CRD,
    'config/samples/thing.yaml':
      'apiVersion: x.example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {size: 3}\n',
    // No CRD anywhere for this one, and none serving this version of Thing.
    'config/samples/gadget.yaml': 'apiVersion: y.example.com/v1\nkind: Gadget\nmetadata: {name: g}\n',
    'config/samples/old.yaml': 'apiVersion: x.example.com/v1beta1\nkind: Thing\nmetadata: {name: o}\n',
  });
}

const messages = (findings: { rule: string; message: string }[]) =>
  findings.filter((f) => f.rule === 'schema').map((f) => f.message);

describe('a kind whose CRD is in the repository but was not checked', () => {
  it('names the CRD file, and for PATHs says to add it to them', async () => {
    const root = operatorRepo();
    const checked = await checkPaths({ root, paths: ['config/samples'], kubernetesVersion: '1.34' });
    expect(messages(checked.findings).sort()).toEqual([
      'not validated: no schema for x.example.com/v1 Thing (its CRD is in config/crd/bases/x.example.com_things.yaml, which was not checked with it: add it to the paths checked)',
      'not validated: no schema for x.example.com/v1beta1 Thing (add its CRD to the repo or to schemas:)',
      'not validated: no schema for y.example.com/v1 Gadget (add its CRD to the repo or to schemas:)',
    ]);
    // Following the advice validates the object.
    const both = await checkPaths({
      root,
      paths: ['config/samples', 'config/crd/bases'],
      kubernetesVersion: '1.34',
    });
    expect(messages(both.findings).some((m) => m.includes('x.example.com/v1 Thing'))).toBe(false);
  });

  it("for a target, says to list it under the target's schemas:, in the CLI's and the App's checks", async () => {
    const root = operatorRepo();
    const samples = target({ path: 'config/samples' });
    const hint =
      "not validated: no schema for x.example.com/v1 Thing (its CRD is in config/crd/bases/x.example.com_things.yaml, which was not checked with it: list it under the target's schemas: in .github/ferry.yml)";
    const cli = await checkTargetFindings({ root, target: samples, kubernetesVersion: '1.34' });
    expect(messages(cli.findings)).toContain(hint);
    const app = await checkTarget({ root, target: samples, kubernetesVersion: '1.34' });
    expect(messages(app.findings)).toContain(hint);
    // With the file under schemas:, the Thing is validated: a wrong type is an error at its field.
    writeFileSync(
      join(root, 'config/samples/thing.yaml'),
      'apiVersion: x.example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec: {size: three}\n',
    );
    const withSchemas = await checkTargetFindings({
      root,
      target: target({ path: 'config/samples', schemas: ['config/crd/bases'] }),
      kubernetesVersion: '1.34',
    });
    const said = withSchemas.findings.map((f) => `${f.file}:${f.line} ${f.severity}`);
    expect(said).toContain('config/samples/thing.yaml:4 error');
    expect(messages(withSchemas.findings).some((m) => m.includes('x.example.com/v1 Thing'))).toBe(false);
  });

  it('reads no link and no special file: a CRD outside the repository is never named', async () => {
    const root = operatorRepo();
    rmSync(join(root, 'config/crd'), { recursive: true });
    const outside = tree({ 'things.yaml': CRD });
    mkdirSync(join(root, 'links'));
    symlinkSync(join(outside, 'things.yaml'), join(root, 'links/things.yaml'));
    symlinkSync(outside, join(root, 'links/dir'));
    execFileSync('mkfifo', [join(root, 'links/pipe.yaml')]);
    const checked = await checkPaths({ root, paths: ['config/samples'], kubernetesVersion: '1.34' });
    expect(messages(checked.findings)).toContain(
      'not validated: no schema for x.example.com/v1 Thing (add its CRD to the repo or to schemas:)',
    );
  });
});

// InftyAI/llmaz@HEAD: config/samples/inference_v1alpha1_service.yaml, checked against the catalogue's
// llmaz v0.1.4 Service, whose CRD the repository holds in config/crd/bases (and chart/crds): the
// advice to add its CRD to the repo was wrong.
describe("a catalogue kind whose project's own CRD is in the repository", () => {
  const KSERVE_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: inferenceservices.serving.kserve.io}
spec:
  group: serving.kserve.io
  scope: Namespaced
  names: {kind: InferenceService, plural: inferenceservices}
  versions:
    - name: v1beta1
      served: true
      storage: true
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
    - name: v1beta2
      served: true
      storage: false
      schema:
        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
  const isvc = (version: string, spec: string) =>
    `apiVersion: serving.kserve.io/${version}\nkind: InferenceService\nmetadata: {name: m, namespace: ml}\nspec: ${spec}\n`;

  it('names that CRD for a field or a version the release Ferry holds lacks', async () => {
    const root = tree({
      'config/crd/full/serving.kserve.io_inferenceservices.yaml': KSERVE_CRD,
      'config/samples/field.yaml': isvc(
        'v1beta1',
        '{predictor: {model: {modelFormat: {name: onnx}}}, flavour: x}',
      ),
      'config/samples/version.yaml': isvc('v1beta2', '{}'),
    });
    const checked = await checkTargetFindings({
      root,
      target: target({ path: 'config/samples' }),
      kubernetesVersion: '1.34',
    });
    const own =
      "the repository's own CRD for it, config/crd/full/serving.kserve.io_inferenceservices.yaml, was not checked with it: list it under the target's schemas: in .github/ferry.yml";
    expect(messages(checked.findings).sort()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^serving\\.kserve\\.io/v1beta2 InferenceService is not served by KServe .* so it is not validated; ${escapeRegExp(own)}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^spec\\.flavour: unknown field \\(not in KServe .* CRD, the release Ferry's catalogue holds: ${escapeRegExp(own)}\\)$`,
        ),
      ),
    ]);
  });

  it('keeps the advice to add a CRD when the repository has none for the kind', async () => {
    const root = tree({
      'config/samples/field.yaml': isvc(
        'v1beta1',
        '{predictor: {model: {modelFormat: {name: onnx}}}, flavour: x}',
      ),
    });
    const checked = await checkPaths({ root, paths: ['config/samples'], kubernetesVersion: '1.34' });
    expect(messages(checked.findings)).toEqual([
      expect.stringMatching(
        /if your cluster runs another release, add its CRD to the repo or to schemas:\)$/,
      ),
    ]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
