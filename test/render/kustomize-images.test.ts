import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { applyImageOverrides } from '../../src/render/kustomize-images.ts';
import { loadKustomizationTree } from '../../src/render/load-kustomization-tree.ts';
import { resolveBinary } from '../../src/render/resolve-binaries.ts';
import { tempTrees } from '../helpers/temp-trees.ts';

const repo = tempTrees('ferry-images-');

/** Every `image` field of the objects with where it is, sorted (kustomize sorts keys). */
function imagesOf(objects: unknown[]): string[] {
  const out: string[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, `${path}/${i}`);
    } else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (k === 'image') out.push(`${path}/image=${JSON.stringify(x)}`);
        walk(x, `${path}/${k}`);
      }
  };
  for (const [i, o] of objects.entries()) walk(o, String(i));
  return out.sort();
}

const PODS = `apiVersion: batch/v1
kind: CronJob
metadata: {name: c}
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          initContainers: [{name: i, image: "busybox:1.2@sha256:old"}]
          containers:
          - {name: a, image: nginx}
          - {name: b, image: "nginx:latest"}
          - {name: c, image: "foo:1"}
          - {name: d, image: "bar"}
          - {name: e, image: "nginxx:1"}
          - {name: f, image: "docker.io/nginx:1"}
          - {name: g, image: "nginx@sha256:x"}
          - {name: h, image: "localhost:5000/app"}
          - {name: j, image: "other:1@sha256:y"}
          - {name: k, image: 5}
          - {name: l}
---
apiVersion: x.example.com/v1
kind: Thing
metadata: {name: t}
spec:
  deep:
    containers: [{name: a, image: nginx}]
    image: nginx
  image: nginx
  ephemeralContainers: [{name: a, image: nginx}]
`;

describe('applyImageOverrides', () => {
  it('sets the images kubectl kustomize sets, through a chain of kustomizations', async () => {
    const root = repo({
      'base/pods.yaml': PODS,
      'base/kustomization.yaml': [
        'resources: [pods.yaml]',
        'images:',
        '- {name: nginx, newTag: "1.10"}',
        '- {name: foo, newName: reg/foo}',
        '- {name: reg/foo, newTag: v9}',
        '- {name: busybox, digest: "sha256:aaaa"}',
        '- {name: bar, newTag: v2, digest: "sha256:bbbb"}',
        '- {name: localhost:5000/app, newTag: v3}',
        '- {name: other, newName: other2}',
        '',
      ].join('\n'),
      // The overlay's entries apply after the base's: nginx:1.10 becomes 1.11, other2 gets a tag.
      'overlay/kustomization.yaml':
        'resources: [../base]\nimages:\n- name: nginx\n  newTag: "1.11"\n- {name: other2, newTag: "7"}\n',
    });
    const built = execFileSync(resolveBinary('kubectl').path, ['kustomize', join(root, 'overlay')], {
      encoding: 'utf8',
    });
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'overlay') });
    const sources = jsYaml.loadAll(readFileSync(join(root, 'base/pods.yaml'), 'utf8'));
    const ours = sources.map((o) => applyImageOverrides(o, tree.images['base/pods.yaml'] ?? []));
    const theirs = jsYaml.loadAll(built);
    expect(imagesOf(ours)).toEqual(imagesOf(theirs));
    // The test means something: most images change.
    expect(imagesOf(ours).filter((line, i) => line !== imagesOf(sources)[i]).length).toBeGreaterThan(8);
    // The sources are left as parsed.
    expect(imagesOf(sources)).toEqual(imagesOf(jsYaml.loadAll(PODS)));
  });

  it("applies a component's images to the resources of the kustomization that includes it", async () => {
    const root = repo({
      'base/pods.yaml': PODS,
      'base/kustomization.yaml': 'resources: [pods.yaml]\nimages:\n- {name: nginx, newTag: "1.10"}\n',
      // The component's entries act after the base's and before the overlay's own.
      'pin/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nimages:\n- {name: nginx, newTag: "1.20"}\n- {name: busybox, digest: "sha256:cccc"}\n- {name: foo, newName: comp/foo}\n',
      'overlay/kustomization.yaml':
        'resources: [../base]\ncomponents: [../pin]\nimages:\n- {name: comp/foo, newTag: "3"}\n',
    });
    const built = execFileSync(resolveBinary('kubectl').path, ['kustomize', join(root, 'overlay')], {
      encoding: 'utf8',
    });
    const tree = await loadKustomizationTree({ root, absDir: join(root, 'overlay') });
    const sources = jsYaml.loadAll(readFileSync(join(root, 'base/pods.yaml'), 'utf8'));
    const ours = sources.map((o) => applyImageOverrides(o, tree.images['base/pods.yaml'] ?? []));
    expect(imagesOf(ours)).toEqual(imagesOf(jsYaml.loadAll(built)));
    expect(imagesOf(ours).join('\n')).toMatch(/nginx:1\.20.*[\s\S]*comp\/foo:3/);
  });

  it('returns the object itself when no entry applies', () => {
    const pod = { spec: { containers: [{ name: 'a', image: 'nginx' }] } };
    expect(applyImageOverrides(pod, [{ name: 'redis', newTag: '7' }])).toBe(pod);
    expect(applyImageOverrides(pod, [])).toBe(pod);
  });
});
