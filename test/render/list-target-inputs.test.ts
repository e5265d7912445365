import { describe, expect, it } from 'vitest';
import { listTargetInputs } from '../../src/render/list-target-inputs.ts';
import { fixture, target } from './helpers.ts';

describe('listTargetInputs', () => {
  it('lists an overlay, its bases and the files it references outside its directory, and the config', async () => {
    const inputs = await listTargetInputs({
      root: fixture('kustomize'),
      target: target({ path: 'overlays/prod/' }),
    });
    expect(inputs).toEqual(['.github/ferry.yml', 'base', 'overlays/prod', 'shared/team-label.yaml']);
  });

  it('lists a chart and its values files', async () => {
    const inputs = await listTargetInputs({
      root: fixture('helm'),
      target: target({ path: 'chart', helm: { values: ['./values/prod.yaml'] } }),
    });
    expect(inputs).toEqual(['.github/ferry.yml', 'chart', 'values/prod.yaml']);
  });

  it('lists a plain directory', async () => {
    const inputs = await listTargetInputs({ root: fixture('plain'), target: target({ path: 'deploy' }) });
    expect(inputs).toEqual(['.github/ferry.yml', 'deploy']);
  });

  it('still answers for a target whose path does not exist', async () => {
    const inputs = await listTargetInputs({ root: fixture('plain'), target: target({ path: 'gone' }) });
    expect(inputs).toEqual(['.github/ferry.yml', 'gone']);
  });

  it('leaves out remote references', async () => {
    const inputs = await listTargetInputs({
      root: fixture('kustomize-remote'),
      target: target({ path: 'overlay' }),
    });
    expect(inputs).toEqual(['.github/ferry.yml', 'overlay']);
  });
});
