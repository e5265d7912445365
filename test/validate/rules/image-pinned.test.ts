import { describe, expect, it } from 'vitest';
import { imagePinnedRule } from '../../../src/validate/rules/image-pinned.ts';
import { messagesOf, runRule } from './run-rule.ts';

function pod(image: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: app
      image: ${image}`;
}

describe('image-pinned', () => {
  it.each([
    'my-image:1.4.2',
    'nvcr.io/nvidia/tritonserver:24.05-py3',
    'registry:5000/team/app:2024-05-01',
    'my-image@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'my-image:latest@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  ])('accepts %s', (image) => {
    expect(runRule(imagePinnedRule, pod(image))).toEqual([]);
  });

  it("warns about the seed document's my-image:latest, at the image line, suggesting a digest", () => {
    expect(
      runRule(
        imagePinnedRule,
        `apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-app
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: my-app
          image: my-image:latest
          ports:
            - containerPort: 8080`,
      ),
    ).toEqual([
      {
        severity: 'warning',
        file: 'test.yaml',
        line: 11,
        message:
          'container my-app in Deployment ml/my-app: image my-image:latest uses the moving tag latest; pin a version tag or a digest (my-image@sha256:<digest>) so every rollout and rollback runs the image the commit names',
      },
    ]);
  });

  it.each([
    [
      'my-image',
      'image my-image has no tag, so it pulls latest; pin a version tag or a digest (my-image@sha256:<digest>)',
    ],
    [
      'registry:5000/team/app',
      'image registry:5000/team/app has no tag, so it pulls latest; pin a version tag or a digest (registry:5000/team/app@sha256:<digest>)',
    ],
  ])('warns about %s, which has no tag', (image, expected) => {
    expect(messagesOf(imagePinnedRule, pod(image))[0]).toContain(expected);
  });

  it('checks init containers and KServe predictor containers but skips specs without an image', () => {
    const found = messagesOf(
      imagePinnedRule,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata: {name: clf}
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: s3://models/clf/v1
    initContainers:
      - name: warm
        image: busybox
    containers:
      - name: kserve-container
        image: ghcr.io/acme/clf-server:latest
`,
    );
    expect(found.map((m) => m.split(':')[0])).toEqual([
      'predictor init container warm in InferenceService ml/clf',
      'predictor container kserve-container in InferenceService ml/clf',
    ]);
  });
});

describe('image-pinned on references the kubelet cannot parse', () => {
  it.each([
    ['nginx@latest', 'has "@latest", which is not a digest'],
    ['"nginx:"', "ends in ':' with no tag after it"],
    ['nginx@sha256:abc', 'has a sha256 digest that is not 64 lowercase hex digits'],
  ])('is an error for %s, at the image line, instead of passing as pinned', (image, problem) => {
    const seen = runRule(imagePinnedRule, pod(image));
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ severity: 'error', line: 7 });
    expect(seen[0]?.message).toContain(
      `container app in Pod ml/p: image ${image.replaceAll('"', '')} ${problem}`,
    );
    expect(seen[0]?.message).toContain('InvalidImageName');
  });
});
