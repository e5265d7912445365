import { describe, expect, it } from 'vitest';
import { isModelEnvName, modelPinnedRule } from '../../../src/validate/rules/model-pinned.ts';
import { messagesOf, runRule } from './run-rule.ts';

function isvc(model: string): string {
  return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
${model}`;
}

describe('model-pinned', () => {
  it.each([
    '    model: {modelFormat: {name: sklearn}, storageUri: "s3://models/classifier/v3"}',
    '    sklearn: {storageUri: "gs://models/classifier/1.2.0"}',
    '    model: {modelFormat: {name: huggingface}, storageUri: "hf://meta-llama/Llama-3.1-8B@0e9e39f2"}',
    '    model: {modelFormat: {name: sklearn}}',
  ])('accepts %s', (model) => {
    expect(runRule(modelPinnedRule, isvc(model))).toEqual([]);
  });

  it('warns about a storageUri without a version, naming the field', () => {
    expect(
      runRule(
        modelPinnedRule,
        isvc(`    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/classifier`),
      ),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 8,
        message:
          'InferenceService ml/clf: spec.predictor.model.storageUri s3://models/classifier has no version in its path; pin the model to one version (a versioned path like …/v3 or …/1.2.0, a digest, or hf://org/model@<commit>)',
      },
    ]);
  });

  it.each([
    [
      '    pytorch: {storageUri: "s3://models/clf/latest"}',
      'spec.predictor.pytorch.storageUri s3://models/clf/latest points at latest',
    ],
    [
      '    model: {modelFormat: {name: huggingface}, storageUri: "hf://org/model"}',
      'spec.predictor.model.storageUri hf://org/model names no revision',
    ],
    [
      '    model:\n      modelFormat: {name: huggingface}\n      storageUris: ["s3://m/a/v1", {uri: "s3://m/b"}]',
      'spec.predictor.model.storageUris[1].uri s3://m/b has no version in its path',
    ],
    [
      '    model: {modelFormat: {name: sklearn}, storageUri: "https://user:s3cr3t@example.com/models/clf"}',
      'https://***@example.com/models/clf has no version',
    ],
    [
      '    containers:\n      - name: kserve-container\n        env: [{name: STORAGE_URI, value: "s3://models/clf"}]',
      'predictor container kserve-container env STORAGE_URI s3://models/clf has no version in its path',
    ],
  ])('warns about %s', (model, expected) => {
    const found = messagesOf(modelPinnedRule, isvc(model));
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });

  it('never prints the credentials of a storageUri', () => {
    const found = messagesOf(
      modelPinnedRule,
      isvc(
        '    model: {modelFormat: {name: sklearn}, storageUri: "https://user:s3cr3t@example.com/models/latest"}',
      ),
    );
    expect(found).toHaveLength(1);
    expect(found.join('\n')).not.toContain('s3cr3t');
  });

  it.each([
    ['MODEL_VERSION', 'latest', true],
    ['MODEL_URI', 's3://models/clf/latest', true],
    ['HF_MODEL_REVISION', 'latest', true],
    ['MODEL', 'org/model:latest', true],
    ['MODEL_VERSION', 'v3', false],
    ['LOG_LEVEL', 'latest', false],
    ['MODEL_VERSION', '', false],
  ])('on a Deployment, env %s=%j is reported: %s', (name, value, reported) => {
    const found = messagesOf(
      modelPinnedRule,
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  template:
    spec:
      containers:
        - name: server
          env:
            - name: ${name}
              value: "${value}"`,
    );
    expect(found).toEqual(
      reported
        ? [
            `container server in Deployment ml/api sets ${name} to "${value}", which moves with every new model; set the exact model version it should serve`,
          ]
        : [],
    );
  });
});

describe('isModelEnvName', () => {
  it.each([
    'MODEL',
    'MODEL_VERSION',
    'MODEL_URI',
    'HF_MODEL_REVISION',
    'BASE_MODEL_NAME',
    'MODEL_S3_PATH',
    'STORAGE_URI',
    'model_id',
  ])('treats %s as naming a model', (name) => {
    expect(isModelEnvName(name)).toBe(true);
  });

  it.each(['LOG_LEVEL', 'MODELS_DIR', 'VERSION', 'MODEL_VERSION_POLICY', 'SUPERMODEL_ID'])(
    'treats %s as not naming a model',
    (name) => {
      expect(isModelEnvName(name)).toBe(false);
    },
  );
});
