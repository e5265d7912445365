import { describe, expect, it } from 'vitest';
import { parseRepositoryUrl } from '../../src/cli/repository-from-remote.ts';

describe('parseRepositoryUrl', () => {
  it.each([
    ['https://github.com/acme/models.git', 'acme/models'],
    ['https://github.com/acme/models', 'acme/models'],
    ['https://github.com/acme/models/', 'acme/models'],
    ['https://x-access-token:secret@github.com/acme/models.git', 'acme/models'],
    ['git@github.com:acme/models.git', 'acme/models'],
    ['git@ghe.example.com:ml-platform/llm.serving.git', 'ml-platform/llm.serving'],
    ['ssh://git@github.com/acme/models.git', 'acme/models'],
    ['ssh://git@ghe.example.com:2222/acme/models', 'acme/models'],
    ['  https://github.com/acme/models.git\n', 'acme/models'],
  ])('reads %s as %s', (url, repository) => {
    expect(parseRepositoryUrl(url)).toBe(repository);
  });

  it.each(['/srv/git/models.git', 'https://github.com/acme', 'file:///tmp/repo', 'not a url'])(
    'finds no GitHub repository in %s',
    (url) => {
      expect(parseRepositoryUrl(url)).toBeUndefined();
    },
  );
});
