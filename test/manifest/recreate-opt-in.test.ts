import { describe, expect, it } from 'vitest';
import { recreateOptIn } from '../../src/manifest/recreate-opt-in.ts';

describe('recreateOptIn', () => {
  it.each<[string, Record<string, unknown> | undefined, string | undefined]>([
    ['Ferry’s own', { 'ferry.dev/recreate': 'enabled' }, 'ferry.dev/recreate: enabled'],
    [
      'Flux’s force',
      { 'kustomize.toolkit.fluxcd.io/force': 'enabled' },
      'kustomize.toolkit.fluxcd.io/force: enabled',
    ],
    [
      'Argo CD’s Force=true with Replace=true, spaced as Argo CD allows',
      { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true, Replace=true ,Force=true' },
      'argocd.argoproj.io/sync-options: Force=true,Replace=true',
    ],
    [
      'Argo CD’s Replace=true alone (a PUT, refused the same way)',
      { 'argocd.argoproj.io/sync-options': 'Replace=true' },
      undefined,
    ],
    ['a disabled Flux force', { 'kustomize.toolkit.fluxcd.io/force': 'disabled' }, undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_, annotations, expected) => {
    expect(recreateOptIn(annotations)).toBe(expected);
  });
});
