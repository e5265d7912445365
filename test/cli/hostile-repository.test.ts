import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../helpers/git-repo.ts';
import { runFerry } from '../helpers/run-ferry.ts';

/** The CLI as built from these sources (dist/ may be older than the code under test). */
const FROM_SOURCE = { FERRY_FROM_SOURCE: '1' };
const TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
const KUSTOMIZATION = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - https://x-access-token:${TOKEN}@github.com/org/private//deploy?ref=main
`;
const CONFIG = 'kubernetesVersion: "1.34"\ntargets:\n  - name: app\n    path: k\n';

let repo: TestRepo | undefined;
afterEach(() => repo?.dispose());

describe('a hostile repository through the CLI', () => {
  it('never prints the token of a remote URL: validate json and text, diff json, markdown and text', () => {
    repo = createTestRepo();
    repo.write({
      '.github/ferry.yml': CONFIG,
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    repo.write({ 'k/kustomization.yaml': 'resources: [cm.yaml]\n' });
    repo.commit('base');
    repo.write({ 'k/kustomization.yaml': KUSTOMIZATION });
    repo.commit('head');
    const outputs = [
      runFerry(['validate', '--repo', repo.dir, '--format', 'json'], { env: FROM_SOURCE }),
      runFerry(['validate', '--repo', repo.dir], { env: FROM_SOURCE }),
      ...['json', 'markdown', 'text'].map((format) =>
        runFerry(
          ['diff', '--repo', repo?.dir ?? '', '--base', 'HEAD~1', '--head', 'HEAD', '--format', format],
          {
            env: FROM_SOURCE,
          },
        ),
      ),
    ];
    for (const r of outputs) {
      expect(r.code).toBe(1);
      // The finding is there, naming the URL, with its userinfo scrubbed (Markdown escapes `<>@`).
      expect(r.stdout).toMatch(
        /https:\/\/(<|&lt;)redacted(>|&gt;)@\u200b?github\.com\/org\/private\/\/deploy/,
      );
      expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    }
  });

  it('prints no terminal escape from a file name in validate text output', () => {
    repo = createTestRepo();
    const name = 'k/\u001b[2J\u001b]0;pwned\u0007evil.yaml';
    repo.write({
      '.github/ferry.yml': CONFIG,
      [name]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: 7\n',
    });
    repo.commit('head');
    const r = runFerry(['validate', '--repo', repo.dir], { env: FROM_SOURCE });
    expect(r.code).toBe(1);
    // Quoted, its control characters escaped (quoteUnsafe).
    expect(r.stdout).toContain('"k/\\u001b[2J\\u001b]0;pwned\\u0007evil.yaml"');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may be printed
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('prints no line that a name, a file name or a value with line breaks forges: diff markdown and text, validate', () => {
    repo = createTestRepo();
    repo.write({
      '.github/ferry.yml': CONFIG,
      'k/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n',
    });
    repo.commit('base');
    repo.write({
      // A name that, written raw into the diff's +++ header, makes a hunk of its own.
      'k/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "a\\n@@ -1 +1 @@\\n-image: evil\\n+image: trusted"\n',
      // A file name (git takes a newline in one) and an image quoted by a finding's message.
      'k/x.yaml\n+image: trusted\nx.yaml':
        'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: "nginx:1\\n- **Deployment prod/api**: replicas 3 → 0"\n',
    });
    repo.commit('head');
    const dir = repo.dir;
    const outputs = {
      markdown: runFerry(
        ['diff', '--repo', dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'markdown'],
        {
          env: FROM_SOURCE,
        },
      ),
      text: runFerry(['diff', '--repo', dir, '--base', 'HEAD~1', '--head', 'HEAD'], { env: FROM_SOURCE }),
      validate: runFerry(['validate', '--repo', dir], { env: FROM_SOURCE }),
    };
    for (const [format, r] of Object.entries(outputs)) {
      expect(r.code, format).toBe(1);
      const forged = r.stdout
        .split('\n')
        .filter((l) =>
          /^(?:@@ -1 \+1 @@|-image: evil|\+image: trusted|x\.yaml|[-*] \*\*Deployment prod)/.test(l),
        );
      expect(forged, format).toEqual([]);
    }
    // The name is still there to read, quoted with its line breaks escaped.
    expect(outputs.markdown.stdout).toContain(
      '+++ ConfigMap "a\\u000a@@ -1 +1 @@\\u000a-image: evil\\u000a+image: trusted" (head)',
    );
    expect(outputs.validate.stdout).toContain('"k/x.yaml\\u000a+image: trusted\\u000ax.yaml"');
    expect(outputs.text.stdout).toContain('image nginx:1⏎- **Deployment prod/api**: replicas 3 → 0');
  });

  it.each([
    ['export-ignore', 'k/deploy.yaml export-ignore\n'],
    ['export-subst', 'k/deploy.yaml export-subst\n'],
  ])('shows a change hidden behind .gitattributes %s as what the tree holds', (_attr, attributes) => {
    const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ml}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ${image}
`;
    repo = createTestRepo();
    repo.write({ '.github/ferry.yml': CONFIG, 'k/deploy.yaml': deployment('registry.example/api:1.0.0') });
    repo.commit('base');
    // export-subst would show '$Format:…$' expanded (or, in a real attack, a different image).
    repo.write({
      'k/deploy.yaml': deployment('registry.example/api:$Format:%H$'),
      '.gitattributes': attributes,
    });
    repo.commit('head');
    const r = runFerry(
      ['diff', '--repo', repo.dir, '--base', 'HEAD~1', '--head', 'HEAD', '--format', 'json'],
      {
        env: FROM_SOURCE,
      },
    );
    const out = JSON.parse(r.stdout) as {
      targets: { changes: { kind: string; action: string; diff: string }[] }[];
    };
    const change = out.targets[0]?.changes.find((c) => c.kind === 'Deployment');
    expect(change?.action).toBe('changed');
    expect(change?.diff).toContain('+          image: registry.example/api:$Format:%H$');
  });
});
