import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/default-config.ts';
import { parseConfig } from '../../src/config/parse-config.ts';
import type { FerryConfig } from '../../src/types.ts';

const full = `# yaml-language-server: $schema=https://example.com/ferry.schema.json
kubernetesVersion: "1.33"
rules:
  image-pinned: error
  selector-match: off
targets:
  - name: production
    path: ./deploy/overlays/prod/
    branch: release
    namespace: ml
    cluster: { provider: eks, name: ml-prod, region: us-east-1 }
    helm: { releaseName: classifier, values: [deploy/values-prod.yaml] }
    schemas: [schemas/]
    prune: false
    maxPruneShare: 0.25
    autoRollback: true
    selfHeal: false
    healthTimeoutSeconds: 600
    renderTimeoutSeconds: 300
    maxRenderMiB: 64
  - name: dev
    cluster: { provider: kubeconfig, context: kind-ml }
`;

describe('parseConfig', () => {
  it('reads every key of a full config', () => {
    const { config, findings } = parseConfig(full, { defaultBranch: 'trunk' });
    expect(findings).toEqual([]);
    expect(config).toEqual<FerryConfig>({
      kubernetesVersion: '1.33',
      rules: { 'image-pinned': 'error', 'selector-match': 'off' },
      targets: [
        {
          name: 'production',
          path: 'deploy/overlays/prod',
          branch: 'release',
          namespace: 'ml',
          cluster: { provider: 'eks', name: 'ml-prod', region: 'us-east-1' },
          helm: { releaseName: 'classifier', values: ['deploy/values-prod.yaml'] },
          schemas: ['schemas'],
          prune: false,
          maxPruneShare: 0.25,
          autoRollback: true,
          selfHeal: false,
          healthTimeoutSeconds: 600,
          renderTimeoutSeconds: 300,
          maxRenderMiB: 64,
          preview: 'render',
          livePreviewForks: false,
          // The lines of its path, name and helm block, for findings about them.
          declared: {
            file: '.github/ferry.yml',
            line: 8,
            nameLine: 7,
            helmLine: 12,
            valuesLines: [12],
            schemasLines: [13],
          },
        },
        {
          name: 'dev',
          path: '.',
          branch: 'trunk',
          cluster: { provider: 'kubeconfig', context: 'kind-ml' },
          schemas: [],
          prune: true,
          maxPruneShare: 0.5,
          autoRollback: false,
          selfHeal: true,
          healthTimeoutSeconds: 300,
          renderTimeoutSeconds: 60,
          maxRenderMiB: 32,
          preview: 'render',
          livePreviewForks: false,
          // No path: the line of the target itself.
          declared: { file: '.github/ferry.yml', line: 21, nameLine: 21 },
        },
      ],
    });
  });

  it('tracks main when the repository default branch is unknown', () => {
    const { config } = parseConfig('targets:\n  - name: api\n');
    expect(config.targets[0]?.branch).toBe('main');
  });

  it('gives a config without targets the implicit default target, keeping its rules', () => {
    const { config, findings } = parseConfig('rules:\n  deprecated-api: warning\n', { defaultBranch: 'dev' });
    expect(findings).toEqual([]);
    expect(config).toEqual({ ...defaultConfig('dev'), rules: { 'deprecated-api': 'warning' } });
  });

  it.each([
    ['an empty file', ''],
    ['a file with only comments', '# ferry config\n# nothing yet\n'],
    ['an explicit null document', '---\n~\n'],
  ])('reads %s as the default config', (_, text) => {
    expect(parseConfig(text, { defaultBranch: 'trunk' })).toEqual({
      config: defaultConfig('trunk'),
      findings: [],
    });
  });

  it.each([
    ['', '.'],
    ['.', '.'],
    ['./', '.'],
    ['deploy/', 'deploy'],
    ['./deploy//prod/./', 'deploy/prod'],
    ['deploy/..hidden', 'deploy/..hidden'],
  ])('normalises the path %j to %j', (raw, normalised) => {
    const { config, findings } = parseConfig(`targets:\n  - name: t\n    path: ${JSON.stringify(raw)}\n`);
    expect(findings).toEqual([]);
    expect(config.targets[0]?.path).toBe(normalised);
  });

  it('names the file it was given in findings, .github/ferry.yml by default', () => {
    expect(parseConfig('bogus: 1\n').findings[0]?.file).toBe('.github/ferry.yml');
    expect(parseConfig('bogus: 1\n', { file: '.github/ferry.yaml' }).findings[0]?.file).toBe(
      '.github/ferry.yaml',
    );
  });

  it('reports every problem at once, sorted by line', () => {
    const { findings } = parseConfig('targets:\n  - name: A\n    prun: 1\nkubernetesVersion: 1\n');
    expect(findings.map((f) => f.line)).toEqual([2, 3, 4]);
  });

  it('reports YAML syntax errors with their line', () => {
    // Inline, not a fixture file: Biome lints the repository's YAML and would reject it.
    const { config, findings } = parseConfig('targets:\n  - name: api\n    path: deploy: prod\n');
    expect(findings.map((f) => [f.line, f.message])).toEqual([
      [3, 'invalid YAML: Nested mappings are not allowed in compact mappings'],
    ]);
    expect(config).toEqual(defaultConfig());
  });

  it('refuses a config over 256 KiB without parsing it', () => {
    const text = `# ${'x'.repeat(256 * 1024)}\n`;
    expect(parseConfig(text).findings).toEqual([
      {
        rule: 'config',
        severity: 'error',
        file: '.github/ferry.yml',
        line: 1,
        message: 'file is over the 256 KiB limit for the config',
      },
    ]);
  });

  it('reads preview: live and livePreviewForks on a target', () => {
    const { config, findings } = parseConfig(
      'targets:\n  - name: prod\n    cluster: { provider: eks, name: ml-prod }\n    preview: live\n    livePreviewForks: true\n',
    );
    expect(findings).toEqual([]);
    expect(config.targets[0]).toMatchObject({ preview: 'live', livePreviewForks: true });
  });

  it('warns on its line that preview: live needs a cluster, and keeps the config', () => {
    const { config, findings } = parseConfig(
      'targets:\n  - name: prod\n    path: deploy\n    preview: live\n',
    );
    expect(findings).toEqual([
      {
        rule: 'config',
        severity: 'warning',
        file: '.github/ferry.yml',
        line: 4,
        message:
          'targets[0].preview: live needs a cluster to ask; target "prod" has none, so its PRs get the rendered preview only (add a cluster or set preview: render)',
      },
    ]);
    expect(config.targets[0]?.path).toBe('deploy');
  });

  it('refuses a preview mode other than render or live', () => {
    const { findings } = parseConfig('targets:\n  - name: prod\n    preview: dry-run\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', line: 3 });
    expect(findings[0]?.message).toMatch(/^targets\[0\]\.preview: /);
  });

  it.each([
    ['HEAD', /HEAD is not a branch here: name the branch merges go to, such as 'main'/],
    ['refs/heads/main', /write the branch name without refs\/heads\/: 'main'/],
    [
      'refs/tags/v1.2.0',
      /must be a branch name, not a ref: 'refs\/tags\/v1\.2\.0' is not under refs\/heads\//,
    ],
    ['origin/main', /write the branch as GitHub names it, without the remote: 'main'/],
    ['release..1', /'release\.\.1' is not a name git allows for a branch/],
    ['main.lock', /is not a name git allows/],
    ['-main', /is not a name git allows/],
    ['release/', /is not a name git allows/],
  ])('refuses branch: %s on its line, which no push would ever match', (branch, message) => {
    // Accepted before, and the target then never deployed: a push names refs/heads/<branch>.
    const { findings } = parseConfig(`targets:\n  - name: prod\n    path: k\n    branch: ${branch}\n`);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'error', line: 4 });
    expect(findings[0]?.message).toMatch(/^targets\[0\]\.branch: /);
    expect(findings[0]?.message).toMatch(message);
  });

  it.each(['main', 'release/1.2', 'feature/gpu-pool', 'v1.2.0', 'users/a_b-c'])(
    'takes branch: %s',
    (branch) => {
      const { config, findings } = parseConfig(`targets:\n  - name: prod\n    branch: ${branch}\n`);
      expect(findings).toEqual([]);
      expect(config.targets[0]?.branch).toBe(branch);
    },
  );

  it('accepts the example in docs/config.md', () => {
    const doc = readFileSync(path.join(import.meta.dirname, '../../docs/config.md'), 'utf8');
    const example = /## Example\n\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    const { config, findings } = parseConfig(example ?? '');
    expect(findings).toEqual([]);
    expect(config.targets.map((t) => t.name)).toEqual(['staging', 'production', 'classifier-chart']);
  });
});

describe('defaultConfig', () => {
  it('is one preview-only target for the whole repository', () => {
    expect(defaultConfig('trunk')).toEqual<FerryConfig>({
      kubernetesVersion: '1.34',
      rules: {},
      targets: [
        {
          name: 'default',
          path: '.',
          branch: 'trunk',
          schemas: [],
          prune: true,
          maxPruneShare: 0.5,
          autoRollback: false,
          selfHeal: true,
          healthTimeoutSeconds: 300,
          renderTimeoutSeconds: 60,
          maxRenderMiB: 32,
          preview: 'render',
          livePreviewForks: false,
        },
      ],
    });
    expect(defaultConfig().targets[0]?.branch).toBe('main');
  });
});
