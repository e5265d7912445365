import { describe, expect, it } from 'vitest';
import { runFerry } from '../helpers/run-ferry.ts';

const FIXTURE = 'test/fixtures/engine/workers';
const ARGS = ['validate', '--repo', FIXTURE, '--format', 'json'];

/** The fixture's report on one thread, computed once for the tests that compare against it. */
let oneThread: ReturnType<typeof runFerry> | undefined;
function onOneThread(): ReturnType<typeof runFerry> {
  oneThread ??= runFerry(ARGS, { env: { FERRY_WORKERS: '1' } });
  return oneThread;
}

describe('ferry validate in worker threads', () => {
  it('says the same findings in the same order as one thread, cross-resource rules and CRDs of the set included', () => {
    const one = onOneThread();
    const three = runFerry(ARGS, { env: { FERRY_WORKERS: '3' } });
    expect(one.code).toBe(1);
    expect(three.stderr).toBe('');
    expect(three.code).toBe(one.code);
    expect(three.stdout).toBe(one.stdout);
    const rules = (JSON.parse(one.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    // What needs a target's whole set (another file's Deployment, the CRD in crd.yaml) is in the fixture.
    expect(rules).toEqual(
      expect.arrayContaining(['duplicate-resource', 'selector-match', 'schema', 'parse']),
    );
    expect(one.stdout).not.toContain('s3cr3t-t0ken-value');
  });

  it('starts workers from the sources through tsx too (FERRY_FROM_SOURCE=1)', () => {
    const source = runFerry(ARGS, { env: { FERRY_WORKERS: '2', FERRY_FROM_SOURCE: '1' } });
    expect(source.stderr).toBe('');
    expect(source.stdout).toBe(onOneThread().stdout);
  });

  it('checks the PATHs of ferry validate PATH… as one set in a worker, as on one thread', () => {
    const paths = ['validate', `${FIXTURE}/apps/train/jobs.yaml`, `${FIXTURE}/apps`, '--format', 'json'];
    const one = runFerry(paths, { env: { FERRY_WORKERS: '1' } });
    const worker = runFerry(paths, { env: { FERRY_WORKERS: '2' } });
    expect(worker.stderr).toBe('');
    expect(worker.code).toBe(one.code);
    expect(worker.stdout).toBe(one.stdout);
    const out = JSON.parse(one.stdout) as {
      resources: number;
      findings: { rule: string; message: string }[];
    };
    // jobs.yaml is named twice (on its own and inside apps): its objects are duplicates of themselves.
    expect(out.findings.filter((f) => f.rule === 'duplicate-resource').length).toBeGreaterThan(0);
    expect(out.findings.map((f) => f.rule)).toContain('parse');
  });

  it('renders kustomize and Helm targets in workers', () => {
    const r = runFerry(['validate', '--repo', 'examples/classifier', '--format', 'json'], {
      env: { FERRY_WORKERS: '3' },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { resources: number; findings: { severity: string }[] };
    // The same as on one thread (test/cli/validate.test.ts): staging 5, production 6, batch-eval 1.
    expect(out.resources).toBe(12);
    expect(out.findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refuses a FERRY_WORKERS that is not a whole number ≥ 1 in one line with exit 2', () => {
    const r = runFerry(ARGS, { env: { FERRY_WORKERS: 'two' } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      "ferry validate: FERRY_WORKERS must be a whole number ≥ 1 (1 turns worker threads off), got 'two' (see 'ferry validate --help')",
    );
  });
});
