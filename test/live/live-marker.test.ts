import { describe, expect, it } from 'vitest';
import {
  formatLiveMarker,
  liveCheckRunName,
  parseLiveMarker,
  targetOfLiveCheckRun,
} from '../../src/live/live-marker.ts';
import { conclusionOfLive, type LiveFinding, type LiveResult } from '../../src/live/live-result.ts';

const refusal: LiveFinding = {
  check: 'dry-run',
  severity: 'error',
  resource: 'Job ml/train',
  file: 'k8s/job.yaml',
  line: 4,
  message: 'the cluster refuses it: spec.template is immutable --> <b>',
};

const result: LiveResult = {
  target: 'prod',
  repository: 'acme/ml',
  revision: 'a'.repeat(40),
  pull: 7,
  checkedAt: '2026-12-05T12:00:00.000Z',
  durationMs: 1200,
  objects: 3,
  checks: { 'dry-run': { state: 'done' }, drift: { state: 'done' }, capacity: { state: 'done' } },
  findings: [refusal],
  truncated: 0,
  gpu: [],
};

describe('live marker', () => {
  it('round-trips a result through a check run summary, whatever its text holds', () => {
    const summary = `## Live\n\nsome text\n\n${formatLiveMarker(result)}\n`;
    expect(parseLiveMarker(summary)).toEqual(result);
  });

  it('reads no result from a summary without a marker or with a malformed one', () => {
    expect(parseLiveMarker('no marker here')).toBeUndefined();
    const notJson = `<!-- ferry:live:v1 ${Buffer.from('{nope').toString('base64url')} -->`;
    expect(parseLiveMarker(notJson)).toBeUndefined();
    const wrongShape = `<!-- ferry:live:v1 ${Buffer.from(JSON.stringify({ ...result, revision: 'main' })).toString('base64url')} -->`;
    expect(parseLiveMarker(wrongShape)).toBeUndefined();
  });

  it('names check runs after the target and reads the target back, refusing other names', () => {
    expect(targetOfLiveCheckRun(liveCheckRunName('prod-eu'))).toBe('prod-eu');
    expect(targetOfLiveCheckRun('ferry')).toBeUndefined();
    expect(targetOfLiveCheckRun('ferry/live: Prod')).toBeUndefined();
  });

  it('concludes failure on errors, neutral on warnings or unfinished checks, success otherwise', () => {
    expect(conclusionOfLive(result)).toBe('failure');
    const clean = { ...result, findings: [] };
    expect(conclusionOfLive(clean)).toBe('success');
    expect(conclusionOfLive({ ...clean, checks: { ...clean.checks, drift: { state: 'timed-out' } } })).toBe(
      'neutral',
    );
    expect(
      conclusionOfLive({
        ...clean,
        findings: [{ ...refusal, severity: 'warning', check: 'drift' }],
      }),
    ).toBe('neutral');
  });
});
