import { describe, expect, it } from 'vitest';
import { normaliseRepoPath, repoPathProblem } from '../../src/config/repo-path.ts';

describe('repoPathProblem', () => {
  it.each(['.', '', 'deploy', 'deploy/overlays/prod', './a/b/', 'a..b', '...'])('accepts %j', (p) => {
    expect(repoPathProblem(p)).toBeUndefined();
  });

  it.each([
    ['..', "must stay inside the repository (no '..')"],
    ['a/../../b', "must stay inside the repository (no '..')"],
    ['/etc', 'must be relative to the repository root, not absolute'],
    ['~/x', 'must be relative to the repository root, not absolute'],
    ['C:/x', 'must be relative to the repository root, not absolute'],
    ['a\\b', 'must use forward slashes (/), not backslashes'],
    ['a\0b', 'must not contain NUL characters'],
  ])('refuses %j', (p, problem) => {
    expect(repoPathProblem(p)).toBe(problem);
  });

  it('normalises separators and dots', () => {
    expect(normaliseRepoPath('./a//b/./c/')).toBe('a/b/c');
    expect(normaliseRepoPath('./')).toBe('.');
  });
});
