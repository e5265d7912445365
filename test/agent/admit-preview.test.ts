import { describe, expect, it } from 'vitest';
import {
  admitPreview,
  admitPreviewRequest,
  type PreviewFacts,
  type PullFacts,
} from '../../src/agent/admit-preview.ts';
import type { PreviewObject } from '../../src/agent/preview-status.ts';
import type { PreviewSpec } from '../../src/signal/preview-object.ts';
import type { Target } from '../../src/types.ts';
import { makeTarget, SHA_A, SHA_B } from './helpers/make-target.ts';

const NOW = new Date('2025-06-01T12:00:00Z');

function preview(spec: Partial<PreviewSpec> = {}, name?: string): PreviewObject {
  const full: PreviewSpec = {
    target: 'prod',
    repository: 'acme/models',
    pull: 7,
    revision: SHA_A,
    requestedAt: NOW.toISOString(),
    ...spec,
  };
  return {
    apiVersion: 'ferry.dev/v1alpha1',
    kind: 'Preview',
    metadata: {
      name: name ?? (full.pull ? `prod-pr-${full.pull}` : `prod-rev-${full.revision.slice(0, 12)}`),
    },
    spec: full,
  };
}

/** The target's default-branch settings (the keys are read defensively, as the agent reads them). */
function target(settings: { preview?: 'render' | 'live'; livePreviewForks?: boolean }): Target {
  return { ...makeTarget(), ...settings } as Target;
}

const openPull: PullFacts = {
  state: 'open',
  headSha: SHA_A,
  headRepository: 'acme/models',
  baseRepository: 'acme/models',
};

function facts(overrides: Partial<PreviewFacts> = {}): PreviewFacts {
  return {
    preview: preview(),
    trust: { repositories: ['acme/models'] },
    tracked: { ok: true, target: target({ preview: 'live' }) },
    pull: openPull,
    rate: { started: [], perMinute: 6 },
    now: NOW,
    ...overrides,
  };
}

const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000);

describe('admitPreview', () => {
  it('runs the open PR head of a trusted repository whose default-branch config asks for live previews', () => {
    expect(admitPreview(facts())).toEqual({ run: true });
  });

  it('runs a request without a PR when the commit exists in the repository', () => {
    const p = preview({ pull: undefined });
    delete p.spec.pull;
    expect(admitPreview(facts({ preview: p, pull: undefined, revisionExists: true }))).toEqual({ run: true });
  });

  it('runs a fork PR when the target allows forks', () => {
    expect(
      admitPreview(
        facts({
          tracked: { ok: true, target: target({ preview: 'live', livePreviewForks: true }) },
          pull: { ...openPull, headRepository: 'mallory/models' },
        }),
      ),
    ).toEqual({ run: true });
  });

  it.each<[string, Partial<PreviewFacts>, string, 'Refused' | 'RateLimited', 'Normal' | 'Warning', RegExp]>([
    [
      'a Preview under a name other than the one for its target and PR',
      { preview: preview({}, 'prod-pr-8') },
      'NotTheTargetPreview',
      'Refused',
      'Warning',
      /Preview prod-pr-8 asks for target prod, whose Preview for this request is prod-pr-7/,
    ],
    [
      'a repository the admin did not list',
      { preview: preview({ repository: 'mallory/models' }) },
      'UntrustedRepository',
      'Refused',
      'Warning',
      /mallory\/models is not one this agent deploys/,
    ],
    [
      'a target outside FERRY_TARGETS',
      { trust: { repositories: ['acme/models'], targets: ['staging'] } },
      'UntrustedTarget',
      'Refused',
      'Warning',
      /target prod is not one this agent deploys/,
    ],
    [
      'an agent trusting no repository',
      { trust: { repositories: [] } },
      'NotConfigured',
      'Refused',
      'Warning',
      /set FERRY_REPOSITORIES/,
    ],
    [
      'a target the default branch does not configure',
      { tracked: { ok: false, message: 'target prod is not in .github/ferry.yml on main' } },
      'TargetNotConfigured',
      'Refused',
      'Warning',
      /target prod is not in \.github\/ferry\.yml on main/,
    ],
    [
      'a target without `preview: live` on the default branch (whatever the PR says)',
      { tracked: { ok: true, target: target({ preview: 'render' }) } },
      'LivePreviewOff',
      'Refused',
      'Warning',
      /set `preview: live` on it in \.github\/ferry\.yml on the default branch/,
    ],
    [
      'a config that predates the key',
      { tracked: { ok: true, target: makeTarget() } },
      'LivePreviewOff',
      'Refused',
      'Warning',
      /preview: live/,
    ],
    [
      'a PR GitHub does not know',
      { pull: 'missing' },
      'PullNotFound',
      'Refused',
      'Warning',
      /pull request #7 does not exist in acme\/models/,
    ],
    [
      'a closed PR',
      { pull: { ...openPull, state: 'closed' } },
      'PullClosed',
      'Refused',
      'Normal',
      /#7 is closed/,
    ],
    [
      'a SHA that is no longer the PR head (a newer push superseded it)',
      { pull: { ...openPull, headSha: SHA_B } },
      'NotThePullHead',
      'Refused',
      'Normal',
      /aaaaaaa is not the head of #7 \(now bbbbbbb\)/,
    ],
    [
      'a fork PR when the target does not allow forks',
      { pull: { ...openPull, headRepository: 'mallory/models' } },
      'ForkNotAllowed',
      'Refused',
      'Warning',
      /comes from a fork \(mallory\/models\): set `livePreviewForks: true`/,
    ],
    [
      'a PR whose fork was deleted',
      { pull: { ...openPull, headRepository: null } },
      'ForkNotAllowed',
      'Refused',
      'Warning',
      /fork \(deleted\)/,
    ],
    [
      'the seventh preview of a repository within a minute (default 6)',
      { rate: { started: [5, 10, 20, 30, 40, 50].map(secondsAgo), perMinute: 6 } },
      'RateLimited',
      'RateLimited',
      'Normal',
      /already had 6 live previews in the last minute \(FERRY_PREVIEW_RATE: 6\); it runs in 10s/,
    ],
  ])('refuses %s', (_, overrides, reason, phase, eventType, message) => {
    const decision = admitPreview(facts(overrides));
    expect(decision).toMatchObject({ run: false, reason, phase, eventType });
    expect(decision.run === false && decision.message).toMatch(message);
  });

  it('refuses a request without a PR whose commit is not in the repository', () => {
    const p = preview({ pull: undefined });
    delete p.spec.pull;
    expect(admitPreview(facts({ preview: p, pull: undefined, revisionExists: false }))).toMatchObject({
      run: false,
      reason: 'UnknownRevision',
      message: 'aaaaaaa is not a commit of acme/models',
    });
  });

  it('counts only the last minute towards the rate limit, and says when a limited request may run', () => {
    const old = [61, 70, 80, 90, 100, 120].map(secondsAgo);
    expect(admitPreview(facts({ rate: { started: [...old, secondsAgo(1)], perMinute: 2 } }))).toEqual({
      run: true,
    });
    const limited = admitPreview(facts({ rate: { started: [secondsAgo(15), secondsAgo(1)], perMinute: 2 } }));
    expect(limited).toMatchObject({ run: false, reason: 'RateLimited', retryAfterMs: 45_000 });
  });

  it('refuses on trust before it needs any fact from GitHub', () => {
    expect(
      admitPreviewRequest(preview({ repository: 'mallory/models' }), { repositories: ['acme/models'] }),
    ).toMatchObject({
      run: false,
      reason: 'UntrustedRepository',
    });
    expect(admitPreviewRequest(preview(), { repositories: ['Acme/Models'] })).toEqual({ run: true });
  });
});
