import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listTargetInputs } from '../../src/render/list-target-inputs.ts';
import { selectAffectedTargets } from '../../src/render/select-affected-targets.ts';
import type { Target } from '../../src/types.ts';
import { fixture, target } from './helpers.ts';

const base = target({ name: 'base', path: 'base' });
const prod = target({ name: 'prod', path: 'overlays/prod' });
const other = target({ name: 'other', path: 'other' });
const targets = [base, prod, other];

async function inputs(): Promise<Map<string, string[]>> {
  const root = fixture('kustomize');
  const map = new Map<string, string[]>();
  for (const t of targets) map.set(t.name, await listTargetInputs({ root, target: t }));
  return map;
}

const names = (ts: Target[]) => ts.map((t) => t.name);

describe('selectAffectedTargets', () => {
  it('selects an overlay when its base changes', async () => {
    const selected = selectAffectedTargets({
      targets,
      changedFiles: ['base/deployment.yaml'],
      inputsByTarget: await inputs(),
    });
    expect(names(selected)).toEqual(['base', 'prod']);
  });

  it('selects an overlay when a file it references outside its directory changes', async () => {
    const selected = selectAffectedTargets({
      targets,
      changedFiles: ['shared/team-label.yaml'],
      inputsByTarget: await inputs(),
    });
    expect(names(selected)).toEqual(['prod']);
  });

  it('selects nothing for an unrelated file', async () => {
    const selected = selectAffectedTargets({
      targets,
      changedFiles: ['README.md', 'docs/base/notes.md', 'baseline/x.yaml'],
      inputsByTarget: await inputs(),
    });
    expect(selected).toEqual([]);
  });

  it('selects every target when the config changes', async () => {
    const selected = selectAffectedTargets({
      targets,
      changedFiles: ['.github/ferry.yml'],
      inputsByTarget: await inputs(),
    });
    expect(names(selected)).toEqual(['base', 'prod', 'other']);
  });

  it('treats a target without known inputs as affected by anything', () => {
    const selected = selectAffectedTargets({
      targets: [other],
      changedFiles: ['x'],
      inputsByTarget: new Map(),
    });
    expect(names(selected)).toEqual(['other']);
  });

  it('treats the repository root as an input covering every file', () => {
    const root = target({ name: 'root', path: '' });
    const selected = selectAffectedTargets({
      targets: [root],
      changedFiles: ['a/b/c.yaml'],
      inputsByTarget: new Map([['root', ['.']]]),
    });
    expect(names(selected)).toEqual(['root']);
  });

  it('always selects a target when a file under one of its inputs changes (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.array(segment, { maxLength: 3 }),
        (dir, rest) => {
          const t = target({ name: 't', path: dir.join('/') });
          const file = [...dir, ...rest, 'x.yaml'].join('/');
          const selected = selectAffectedTargets({
            targets: [t],
            changedFiles: [`./${file}`],
            inputsByTarget: new Map([['t', [`${dir.join('/')}/`]]]),
          });
          expect(selected).toEqual([t]);
        },
      ),
    );
  });

  it('never selects a target for a file beside its input that only shares a name prefix (property)', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(segment, segment, (dir, suffix) => {
        const t = target({ name: 't', path: dir });
        const selected = selectAffectedTargets({
          targets: [t],
          changedFiles: [`${dir}${suffix}/x.yaml`],
          inputsByTarget: new Map([['t', [dir]]]),
        });
        expect(selected).toEqual([]);
      }),
    );
  });
});
