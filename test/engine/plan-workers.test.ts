import { describe, expect, it } from 'vitest';
import { MAX_WORKERS, planWorkers, WORKER_MIN_INPUT_BYTES } from '../../src/engine/plan-workers.ts';

const LARGE = WORKER_MIN_INPUT_BYTES;

describe('planWorkers', () => {
  it.each([
    // requested, cores, targets, input bytes → workers
    ['1', 8, 5, LARGE, 0],
    ['2', 8, 5, 0, 2],
    ['3', 1, 5, 0, 3],
    ['8', 8, 3, LARGE, 3],
    [' 2 ', 8, 5, 0, 2],
    [undefined, 8, 1, LARGE, 1],
    [undefined, 8, 1, LARGE - 1, 0],
    [undefined, 8, 0, LARGE, 0],
    [undefined, 8, 5, LARGE - 1, 0],
    [undefined, 2, 5, LARGE, 1],
    [undefined, 1, 5, LARGE, 1],
    [undefined, 4, 5, LARGE, 3],
    [undefined, 4, 2, LARGE, 2],
    [undefined, 64, 50, LARGE, MAX_WORKERS],
    ['', 2, 5, LARGE, 1],
  ])(
    'FERRY_WORKERS=%j on %i cores for %i targets of %i bytes: %i workers',
    (requested, cores, targets, bytes, workers) => {
      expect(planWorkers({ requested, cores, targets, inputBytes: () => bytes })).toEqual({ workers });
    },
  );

  it.each(['0', 'two', '-1', '1.5', '2x'])('refuses FERRY_WORKERS=%s with what to set', (requested) => {
    expect(planWorkers({ requested, cores: 2, targets: 3, inputBytes: () => 0 })).toEqual({
      problem: `FERRY_WORKERS must be a whole number ≥ 1 (1 turns worker threads off), got '${requested}'`,
    });
  });

  it('sizes the input only when the choice depends on it', () => {
    let sized = 0;
    const inputBytes = (): number => {
      sized++;
      return LARGE;
    };
    planWorkers({ requested: '2', cores: 2, targets: 3, inputBytes });
    planWorkers({ requested: undefined, cores: 2, targets: 0, inputBytes });
    expect(sized).toBe(0);
    planWorkers({ requested: undefined, cores: 2, targets: 3, inputBytes });
    expect(sized).toBe(1);
  });
});
