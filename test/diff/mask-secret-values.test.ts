import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { diffResources } from '../../src/diff/diff-resources.ts';
import { parseManifests } from '../../src/manifest/parse-manifests.ts';
import { formatJsonReport } from '../../src/report/format-json-report.ts';
import { formatTerminalDiff } from '../../src/report/format-terminal-diff.ts';
import { renderCheckRun } from '../../src/report/render-check-run.ts';
import { renderComment } from '../../src/report/render-comment.ts';
import type { ChangeSet, Resource } from '../../src/types.ts';

const PASSWORD = 'Pa55-w0rd-xyz';
const TOKEN = 'tok-7f3a9c1e';

function parse(text: string): Resource[] {
  const { resources, findings } = parseManifests(text, 'k/all.yaml', { defaultNamespace: 'ml' });
  expect(findings).toEqual([]);
  return resources;
}

/** Every diff format Ferry has, for one change set. */
function allFormats(cs: ChangeSet): string[] {
  const report = { headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40), changeSets: [cs] };
  const run = renderCheckRun(report);
  return [
    JSON.stringify(formatJsonReport([cs])),
    renderComment(report),
    run.summary,
    run.text,
    formatTerminalDiff([cs], { color: false }),
    formatTerminalDiff([cs], { color: true }),
  ];
}

function diffOf(base: string, head: string): ChangeSet {
  const { changes, summary } = diffResources({ target: 't', base: parse(base), head: parse(head) });
  return { target: 't', changes, summary, findings: [], renderFailed: false };
}

describe('Secret values elsewhere in the target', () => {
  it('masks a Secret value quoted by a ConfigMap, a Deployment and a summary, in every format', () => {
    const secret = (kind: string) => `apiVersion: v1
kind: ${kind}
metadata: {name: db}
data:
  password: ${Buffer.from(PASSWORD).toString('base64')}
stringData:
  token: ${TOKEN}
`;
    const uses = (image: string) => `---
apiVersion: v1
kind: ConfigMap
metadata: {name: app}
data:
  dsn: host=db user=app password=${PASSWORD} dbname=app
  url: postgres://app:${PASSWORD}@db/app
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ${image}
          env: [{name: TOKEN, value: ${TOKEN}}]
`;
    for (const kind of ['Secret', 'secret', 'SECRET']) {
      const cs = diffOf('', `${secret(kind)}${uses(`registry.example/api:${TOKEN}`)}`);
      expect(cs.changes.map((c) => `${c.action} ${c.id.kind}`)).toEqual(
        expect.arrayContaining(['added ConfigMap', 'added Deployment']),
      );
      for (const text of allFormats(cs)) {
        expect(text).not.toContain(PASSWORD);
        expect(text).not.toContain(TOKEN);
        expect(text).not.toContain(Buffer.from(PASSWORD).toString('base64'));
      }
      const configMap = cs.changes.find((c) => c.id.kind === 'ConfigMap');
      expect(configMap?.diff).toContain('password=<redacted> dbname=app');
    }
  });

  it("masks a value the base's Secret held, when head moves it into a ConfigMap", () => {
    const base = `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: ${PASSWORD}}\n`;
    const head = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: db}\ndata: {password: ${PASSWORD}}\n`;
    for (const text of allFormats(diffOf(base, head))) expect(text).not.toContain(PASSWORD);
  });

  it('leaves values shorter than six characters alone outside their Secret', () => {
    const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {flag: "true"}\n---
apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {enabled: "true"}\n`;
    const cm = diffOf('', text).changes.find((c) => c.id.kind === 'ConfigMap');
    expect(cm?.diff).toContain('enabled: "true"');
  });

  it('keeps a Secret holding a values file from masking the lines of it that hold no value, and masks those that do', () => {
    // z2jh keeps its whole values.yaml in the hub's Secret: its bare `command:` and `args:` lines must
    // not blank out every Deployment's command, while a line holding a value stays masked.
    const values = [
      'hub:',
      '  command:',
      '  extraConfig: {}',
      '  db:',
      `    password: ${PASSWORD}`,
      '  enabled: true',
      '  -',
    ].join('\n');
    const text = `apiVersion: v1
kind: Secret
metadata: {name: hub}
stringData:
  values.yaml: ${JSON.stringify(values)}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: proxy}
spec:
  template:
    spec:
      containers:
        - name: chp
          image: chp:4
          command:
            - configurable-http-proxy
          env:
            - {name: DB, value: "    password: ${PASSWORD}"}
            - {name: CONF, value: "  extraConfig: {}"}
`;
    const outs = allFormats(diffOf('', text));
    for (const out of outs) expect(out).not.toContain(PASSWORD);
    // The formats that show the Deployment's body (the comment summarises an added object).
    const bodies = outs.filter((out) => out.includes('configurable-http-proxy'));
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const out of bodies) {
      expect(out).toContain('command:');
      expect(out).toContain('extraConfig: {}');
    }
  });
});
