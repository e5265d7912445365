import { afterEach, describe, expect, test } from 'vitest';
import { formatLiveMarker } from '../../src/live/live-marker.ts';
import type { LiveResult } from '../../src/live/live-result.ts';
import { LIVE_SECTION_END } from '../../src/report/render-live-section.ts';
import { createHarness, type Harness, loadPayload, SHAS } from '../helpers/github/app-harness.ts';
import { FAKE_APP_ID } from '../helpers/github/fake-github.ts';
import { FakeSignal } from '../helpers/github/fake-signal.ts';
import { BASE_FILES, CONFIG, HEAD_FILES, setupPull } from '../helpers/github/scenario.ts';

const LIVE_CONFIG = `${CONFIG}    preview: live\n`;
const LIVE_BASE = { ...BASE_FILES, '.github/ferry.yml': LIVE_CONFIG };
const LIVE_HEAD = { ...HEAD_FILES, '.github/ferry.yml': LIVE_CONFIG };
const NEW_HEAD = '4444444444444444444444444444444444444444';
const AGENT_APP_ID = 777;

let h: Harness;
let signal: FakeSignal;
afterEach(() => {
  h.gh.assertClean();
  h.close();
});

async function start(deps: { agentAppIds?: number[] } = {}): Promise<void> {
  signal = new FakeSignal();
  h = await createHarness({ signalFor: () => signal, ...deps });
}

function opened(opts: { fork?: boolean } = {}) {
  const payload = loadPayload('pull_request.opened');
  if (opts.fork) {
    payload.pull_request.head.repo.full_name = 'mallory/ml-platform';
    payload.pull_request.head.repo.owner.login = 'mallory';
    payload.pull_request.head.repo.fork = true;
  }
  return payload;
}

function liveResult(overrides: Partial<LiveResult> = {}): LiveResult {
  return {
    target: 'production',
    repository: 'acme/ml-platform',
    revision: SHAS.head,
    pull: 42,
    checkedAt: '2025-01-01T12:01:00Z',
    durationMs: 4200,
    objects: 1,
    checks: { 'dry-run': { state: 'done' }, drift: { state: 'done' }, capacity: { state: 'done' } },
    findings: [
      {
        check: 'dry-run',
        severity: 'error',
        resource: 'Deployment ml/classifier',
        message: 'admission webhook "policy.example.com" denied the request: images must come from ghcr.io',
      },
    ],
    truncated: 0,
    gpu: [],
    ...overrides,
  };
}

/** The agent's completed check run, as GitHub would list it (created by `appId`). */
function addLiveCheckRun(opts: { result: LiveResult; appId: number; headSha?: string }): void {
  const id = h.gh.nextId();
  h.gh.checkRuns.push({
    id,
    name: `ferry/live: ${opts.result.target}`,
    head_sha: opts.headSha ?? SHAS.head,
    external_id: `ferry-live/${opts.result.target}-pr-42`,
    status: 'completed',
    conclusion: 'failure',
    output: {
      title: 'production: 1 refused',
      summary: `### Live\n\n${formatLiveMarker(opts.result)}`,
      annotations: [],
    },
    html_url: `https://github.com/acme/ml-platform/runs/${id}`,
    app: { id: opts.appId, slug: opts.appId === FAKE_APP_ID ? 'ferry' : 'ferry-agent' },
  });
}

function completed(opts: { appId: number; headSha?: string; result?: LiveResult }) {
  const payload = loadPayload('check_run.completed');
  payload.check_run.app.id = opts.appId;
  payload.check_run.head_sha = opts.headSha ?? SHAS.head;
  payload.check_run.output.summary = formatLiveMarker(opts.result ?? liveResult());
  return payload;
}

function liveSectionOf(body: string): string {
  const start = body.indexOf('<!-- ferry:live-section ');
  return body.slice(start, body.indexOf(LIVE_SECTION_END) + LIVE_SECTION_END.length);
}

describe('live preview requests from the PR flow', () => {
  test('asks the target’s agent about the head once and says so in the comment’s Live section', async () => {
    await start();
    setupPull(h.gh, { base: LIVE_BASE, head: LIVE_HEAD });

    await h.receive('pull_request', opened());

    expect(signal.previewRequests).toEqual([
      {
        target: expect.objectContaining({ name: 'production', preview: 'live' }),
        repository: 'acme/ml-platform',
        revision: SHAS.head,
        pull: 42,
        requestedAt: '2025-01-01T12:00:00.000Z',
        reason: 'preview of #42',
      },
    ]);
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(liveSectionOf(body)).toContain(
      '#### Live\n\n- ⏳ **production**: live check requested from the cluster (server-side dry-run, drift, GPU capacity)',
    );
    // The Live section comes right after the title, before the summary table.
    expect(body.indexOf('#### Live')).toBeLessThan(body.indexOf('| production |'));
    expect(h.gh.checkRuns.find((r) => r.name === 'Ferry')?.conclusion).toBe('success');

    // A redelivery asks nothing new: the completed check run ends it before any signal.
    await h.receive('pull_request', opened());
    expect(signal.previewRequests).toHaveLength(1);
  });

  test('reads the switch from the base: a PR that turns preview: live on for itself asks nothing', async () => {
    await start();
    setupPull(h.gh, { head: LIVE_HEAD, changed: ['.github/ferry.yml', 'deploy/production/model.yaml'] });

    await h.receive('pull_request', opened());

    expect(signal.previewRequests).toEqual([]);
    expect(h.gh.commentsOn(42)[0]?.body).not.toContain('ferry:live-section');
  });

  test('asks nothing for a target the PR removes: its head has nothing to check', async () => {
    await start();
    // The base names the target `production` with preview: live; the head renames it.
    const renamed = {
      ...LIVE_HEAD,
      '.github/ferry.yml': LIVE_CONFIG.replace('name: production', 'name: prod'),
    };
    setupPull(h.gh, { base: LIVE_BASE, head: renamed, changed: ['.github/ferry.yml'] });

    await h.receive('pull_request', opened());

    expect(signal.previewRequests).toEqual([]);
    const body = h.gh.commentsOn(42)[0]?.body ?? '';
    expect(body).toContain('🗑️ **production** is no longer a target');
    expect(body).not.toContain('ferry:live-section');
  });

  test('does not ask for a fork PR unless livePreviewForks is on, and says the check is off for forks', async () => {
    await start();
    setupPull(h.gh, { base: LIVE_BASE, head: LIVE_HEAD, fork: true });

    await h.receive('pull_request', opened({ fork: true }));

    expect(signal.previewRequests).toEqual([]);
    expect(liveSectionOf(h.gh.commentsOn(42)[0]?.body ?? '')).toContain(
      '- ➖ **production**: live check off for PRs from forks',
    );
  });

  test('asks for a fork PR when the base config allows forks', async () => {
    await start();
    const config = `${LIVE_CONFIG}    livePreviewForks: true\n`;
    setupPull(h.gh, {
      base: { ...LIVE_BASE, '.github/ferry.yml': config },
      head: { ...LIVE_HEAD, '.github/ferry.yml': config },
      fork: true,
    });

    await h.receive('pull_request', opened({ fork: true }));

    expect(signal.previewRequests.map((r) => [r.target.name, r.revision, r.pull])).toEqual([
      ['production', SHAS.head, 42],
    ]);
  });

  test('a request that cannot reach the cluster is one line in the Live section, not a failed preview', async () => {
    await start();
    signal.previewFailWith = new Error(
      'Preview production-pr-42: the Preview CRD (previews.ferry.dev) is not installed: kubectl apply -k infra/agent\n    at stack',
    );
    setupPull(h.gh, { base: LIVE_BASE, head: LIVE_HEAD });

    await h.receive('pull_request', opened());

    expect(liveSectionOf(h.gh.commentsOn(42)[0]?.body ?? '')).toContain(
      '- ⚠️ **production**: the live check request could not reach the cluster: Preview production-pr-42: the Preview CRD (previews.ferry.dev) is not installed: kubectl apply -k infra/agent\n',
    );
    expect(h.gh.checkRuns.find((r) => r.name === 'Ferry')?.conclusion).toBe('success');
  });
});

describe('check_run.completed for a ferry/live check run', () => {
  async function withRequestedComment(deps: { agentAppIds?: number[] } = {}): Promise<string> {
    await start(deps);
    setupPull(h.gh, { base: LIVE_BASE, head: LIVE_HEAD });
    await h.receive('pull_request', opened());
    return h.gh.commentsOn(42)[0]?.body ?? '';
  }

  test('rewrites only the Live section with the agent’s answer; the rest stays byte-identical', async () => {
    const before = await withRequestedComment();
    addLiveCheckRun({ result: liveResult(), appId: FAKE_APP_ID });
    const writes = h.gh.writes().length;

    await h.receive('check_run', completed({ appId: FAKE_APP_ID }));

    const updates = h.gh.requestsFor('issues/update-comment');
    expect(h.gh.writes()).toHaveLength(writes + 1);
    const after = (updates[0]?.body as { body?: string } | undefined)?.body ?? '';
    const oldSection = liveSectionOf(before);
    const newSection = liveSectionOf(after);
    expect(after.replace(newSection, '')).toBe(before.replace(oldSection, ''));
    expect(newSection).toContain(
      `- ❌ **production**: 1 refused · [check run](https://github.com/acme/ml-platform/runs/`,
    );
    expect(newSection).toContain(
      '  - `Deployment ml/classifier` (dry-run): admission webhook "policy.example.com" denied the request: images must come from ghcr.io',
    );
    // The same completion again changes nothing.
    await h.receive('check_run', completed({ appId: FAKE_APP_ID }));
    expect(h.gh.requestsFor('issues/update-comment')).toHaveLength(1);
  });

  test('trusts an agent App listed in FERRY_AGENT_APP_IDS', async () => {
    await withRequestedComment({ agentAppIds: [AGENT_APP_ID] });
    addLiveCheckRun({ result: liveResult({ findings: [] }), appId: AGENT_APP_ID });

    await h.receive('check_run', completed({ appId: AGENT_APP_ID }));

    expect(liveSectionOf(h.gh.commentsOn(42)[0]?.body ?? '')).toContain(
      '- ✅ **production**: the cluster accepts 1 object · [check run]',
    );
  });

  test('ignores a ferry/live check run from an untrusted App, and its check runs in the listing too', async () => {
    const before = await withRequestedComment();
    addLiveCheckRun({ result: liveResult(), appId: 999 });
    const requests = h.gh.requests.length;

    await h.receive('check_run', completed({ appId: 999 }));

    expect(h.gh.requests.slice(requests).map((r) => r.operationId)).toEqual([]);
    expect(h.gh.commentsOn(42)[0]?.body).toBe(before);

    // A trusted completion lists the head's check runs; the untrusted one there is not believed.
    await h.receive('check_run', completed({ appId: FAKE_APP_ID }));
    expect(h.gh.commentsOn(42)[0]?.body).toBe(before);
  });

  test('leaves a comment that describes a newer head alone', async () => {
    const before = await withRequestedComment();
    addLiveCheckRun({ result: liveResult({ revision: NEW_HEAD }), appId: FAKE_APP_ID, headSha: NEW_HEAD });

    await h.receive(
      'check_run',
      completed({ appId: FAKE_APP_ID, headSha: NEW_HEAD, result: liveResult({ revision: NEW_HEAD }) }),
    );

    expect(h.gh.requestsFor('issues/update-comment')).toEqual([]);
    expect(h.gh.commentsOn(42)[0]?.body).toBe(before);
  });

  test('ignores check runs that are not live checks (its own Ferry check run completing)', async () => {
    await withRequestedComment();
    const requests = h.gh.requests.length;
    const payload = completed({ appId: FAKE_APP_ID });
    payload.check_run.name = 'Ferry';

    await h.receive('check_run', payload);

    expect(h.gh.requests.slice(requests)).toEqual([]);
  });
});
