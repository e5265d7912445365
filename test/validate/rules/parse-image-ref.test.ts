import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImageRef } from '../../../src/validate/rules/parse-image-ref.ts';

describe('parseImageRef', () => {
  it.each([
    ['my-image', { repository: 'my-image' }],
    ['my-image:latest', { repository: 'my-image', tag: 'latest' }],
    [
      'nvcr.io/nvidia/tritonserver:24.05-py3',
      { repository: 'nvcr.io/nvidia/tritonserver', tag: '24.05-py3' },
    ],
    ['registry:5000/team/app', { repository: 'registry:5000/team/app' }],
    ['registry:5000/team/app:1.2', { repository: 'registry:5000/team/app', tag: '1.2' }],
    ['app@sha256:abc', { repository: 'app', digest: 'sha256:abc' }],
    ['app:1.2@sha256:abc', { repository: 'app', tag: '1.2', digest: 'sha256:abc' }],
  ])('splits %s', (image, expected) => {
    expect(parseImageRef(image)).toEqual(expected);
  });

  it('gives back the parts it was built from', () => {
    const part = fc.stringMatching(/^[a-z0-9]+([._-][a-z0-9]+)*$/);
    fc.assert(
      fc.property(
        fc.array(part, { minLength: 1, maxLength: 3 }),
        fc.option(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/), { nil: undefined }),
        fc.option(fc.stringMatching(/^sha256:[0-9a-f]{64}$/), { nil: undefined }),
        (path, tag, digest) => {
          const repository = path.join('/');
          const image = `${repository}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
          const ref = parseImageRef(image);
          expect(ref.repository).toBe(repository);
          expect(ref.tag).toBe(tag);
          expect(ref.digest).toBe(digest);
        },
      ),
    );
  });
});
