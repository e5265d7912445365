import { describe, expect, it } from 'vitest';
import { AgentEnvError, loadPreviewSettings } from '../../src/agent/load-agent-env.ts';

describe('loadPreviewSettings', () => {
  it('defaults to a 120 s deadline and 6 previews per repository per minute (empty values too)', () => {
    expect(loadPreviewSettings({})).toEqual({ timeoutMs: 120_000, ratePerMinute: 6 });
    expect(loadPreviewSettings({ FERRY_PREVIEW_TIMEOUT: '', FERRY_PREVIEW_RATE: '' })).toEqual({
      timeoutMs: 120_000,
      ratePerMinute: 6,
    });
    expect(loadPreviewSettings({ FERRY_PREVIEW_TIMEOUT: '2m', FERRY_PREVIEW_RATE: '10' })).toEqual({
      timeoutMs: 120_000,
      ratePerMinute: 10,
    });
  });

  it('reports every bad value at once', () => {
    let error: unknown;
    try {
      loadPreviewSettings({ FERRY_PREVIEW_TIMEOUT: 'soon', FERRY_PREVIEW_RATE: '0' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AgentEnvError);
    expect((error as AgentEnvError).problems).toEqual([
      "FERRY_PREVIEW_TIMEOUT must be a duration between 1s and 30m such as 120s or 2m (got 'soon')",
      "FERRY_PREVIEW_RATE must be a whole number of previews per repository per minute (got '0')",
    ]);
  });
});
