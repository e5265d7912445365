import { describe, expect, it } from 'vitest';
import { redactCredentials } from '../../src/diff/redact-credentials.ts';

const TOKEN = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';

describe('redactCredentials', () => {
  it.each([
    [
      `https://x-access-token:${TOKEN}@github.com/org/private//deploy?ref=main`,
      'https://<redacted>@github.com/org/private//deploy?ref=main',
    ],
    [
      'git::https://oauth2:s3cr3t-value@gitlab.com/a/b.git?ref=v1',
      'git::https://<redacted>@gitlab.com/a/b.git?ref=v1',
    ],
    ['postgres://app:hunter22@db:5432/app', 'postgres://<redacted>@db:5432/app'],
    [
      'resources entry "deploy:s3cr3t@github.com/org/repo" is remote',
      'resources entry "<redacted>@github.com/org/repo" is remote',
    ],
    [
      'https://h.example/x?ref=v1&access_token=abc123&b=2',
      'https://h.example/x?ref=v1&access_token=<redacted>&b=2',
    ],
    [
      'https://s3.example/k?X-Amz-Signature=abc&X-Amz-Credential=def',
      'https://s3.example/k?X-Amz-Signature=<redacted>&X-Amz-Credential=<redacted>',
    ],
    [`token ${TOKEN} leaked`, 'token <redacted> leaked'],
    // A fine-grained token on its own: no `@`, no `=`, and `github` has no `gh`.
    ['GITHUB_TOKEN: github_pat_11ABCDEF0123456789_abcdefXYZklmnopqrstuvwxyzABCD', 'GITHUB_TOKEN: <redacted>'],
  ])('scrubs %s', (input, expected) => {
    expect(redactCredentials(input)).toBe(expected);
    expect(redactCredentials(input)).not.toContain('s3cr3t');
  });

  it.each([
    'mail a@b.com',
    'image: nginx@sha256:0123abcd',
    'https://github.com/org/repo//deploy?ref=main',
    'replicas=3 and env FOO=bar',
  ])('leaves %s as it is', (text) => {
    expect(redactCredentials(text)).toBe(text);
  });
});
