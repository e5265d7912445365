import { describe, expect, it } from 'vitest';
import type { LiveResult } from '../../src/live/live-result.ts';
import {
  LIVE_SECTION_BUDGET,
  parseLiveSection,
  renderLiveSection,
  replaceLiveSection,
} from '../../src/report/render-live-section.ts';

const HEAD = 'a'.repeat(40);
const BODY =
  '<!-- ferry:sticky-comment -->\n\n### ✅ Ferry · `aaaaaaa` · 1 changed\n\n| target |\n\n<sub>Ferry · head aaaaaaa</sub>';

function result(overrides: Partial<LiveResult> = {}): LiveResult {
  return {
    target: 'prod',
    repository: 'acme/models',
    revision: HEAD,
    checkedAt: '2025-06-01T12:00:00Z',
    durationMs: 1,
    objects: 12,
    checks: { 'dry-run': { state: 'done' }, drift: { state: 'done' }, capacity: { state: 'timed-out' } },
    findings: [],
    truncated: 0,
    gpu: [],
    ...overrides,
  };
}

describe('renderLiveSection', () => {
  it('says per target what was asked, and nothing when no target was', () => {
    expect(renderLiveSection({ head: HEAD, requests: [] })).toBe('');
    const section = renderLiveSection({
      head: HEAD,
      requests: [
        { target: 'staging', state: 'forks-off' },
        { target: 'prod', state: 'unreachable', reason: 'forbidden <b>@admins</b>' },
      ],
    });
    expect(section.split('\n').slice(1)).toEqual([
      '#### Live',
      '',
      '- ⚠️ **prod**: the live check request could not reach the cluster: forbidden &lt;b&gt;@\u200badmins&lt;/b&gt;',
      '- ➖ **staging**: live check off for PRs from forks (`livePreviewForks` in `.github/ferry.yml`)',
      '<!-- /ferry:live-section -->',
    ]);
  });

  it('shows a result only for a target it asked about, with the checks that did not finish', () => {
    const section = renderLiveSection({
      head: HEAD,
      requests: [{ target: 'prod', state: 'requested' }],
      results: [
        {
          target: 'prod',
          result: result(),
          conclusion: 'neutral',
          url: 'https://github.com/acme/models/runs/1',
        },
        { target: 'other', result: result({ target: 'other' }), conclusion: 'success' },
      ],
    });
    expect(section).toContain(
      '- ⚠️ **prod**: the cluster accepts 12 objects, capacity timed-out · [check run](https://github.com/acme/models/runs/1)',
    );
    expect(section).not.toContain('other');
  });

  it('stays within its budget however many findings there are', () => {
    const findings = Array.from({ length: 200 }, (_, i) => ({
      check: 'drift' as const,
      severity: 'warning' as const,
      resource: `ConfigMap ml/c${i}`,
      message: 'x'.repeat(2000),
    }));
    const targets = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const section = renderLiveSection({
      head: HEAD,
      requests: targets.map((target) => ({ target, state: 'requested' as const })),
      results: targets.map((target) => ({
        target,
        result: result({ target, findings }),
        conclusion: 'neutral',
      })),
    });
    expect(section.length).toBeLessThanOrEqual(LIVE_SECTION_BUDGET);
    expect(section.endsWith('<!-- /ferry:live-section -->')).toBe(true);
  });
});

describe('replaceLiveSection and parseLiveSection', () => {
  it('inserts the section after the title, then replaces only it, and reads back its head and requests', () => {
    const requests = [{ target: 'prod', state: 'requested' as const }];
    const first = replaceLiveSection(BODY, renderLiveSection({ head: HEAD, requests }));
    expect(first.indexOf('#### Live')).toBeGreaterThan(first.indexOf('### ✅ Ferry'));
    expect(first.indexOf('#### Live')).toBeLessThan(first.indexOf('| target |'));
    expect(parseLiveSection(first)).toEqual({ head: HEAD, requests });

    const second = replaceLiveSection(
      first,
      renderLiveSection({
        head: HEAD,
        requests,
        results: [{ target: 'prod', result: result(), conclusion: 'success' }],
      }),
    );
    const outside = (body: string) =>
      body.slice(0, body.indexOf('<!-- ferry:live-section')) +
      body.slice(body.indexOf('<!-- /ferry:live-section -->'));
    expect(outside(second)).toBe(outside(first));
    expect(second).toContain('**prod**: the cluster accepts 12 objects');
  });

  it('reads no section from a comment without one or with a forged marker', () => {
    expect(parseLiveSection(BODY)).toBeUndefined();
    expect(
      parseLiveSection(`<!-- ferry:live-section bm90IGpzb24 -->\n<!-- /ferry:live-section -->`),
    ).toBeUndefined();
  });
});
