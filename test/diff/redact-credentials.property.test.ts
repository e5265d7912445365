import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactCredentials } from '../../src/diff/redact-credentials.ts';

/**
 * The implementation before each expression got its own pre-check, kept as the reference, with
 * `github_pat_` added to its pre-check (a fine-grained token alone used to pass unredacted).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>`]+@/gi;
const BARE_USERINFO = /(^|[\s"'(<[`=,])[^\s/?#@:"'<>`]+:[^\s/?#@"'<>`]+@(?=[a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;
const TOKEN_PARAM =
  /([?&;](?:access_token|refresh_token|id_token|token|private_token|auth|authorization|password|passwd|pwd|secret|client_secret|api_key|apikey|key|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|code)=)[^&#\s"'<>`]+/gi;
const TOKEN_SHAPES =
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{20,}|A[KS]IA[A-Z0-9]{16})\b/g;

function referenceRedact(text: string): string {
  if (!text.includes('@') && !text.includes('=') && !/gh|github_pat_|glpat|A[KS]IA/.test(text)) return text;
  return text
    .replace(URL_USERINFO, '$1<redacted>@')
    .replace(BARE_USERINFO, '$1<redacted>@')
    .replace(TOKEN_PARAM, '$1<redacted>')
    .replace(TOKEN_SHAPES, '<redacted>');
}

const PIECES = [
  '@',
  '@@ -7,7 +7,7 @@',
  ':',
  '://',
  'https://',
  'git::https://',
  'user',
  'u:p',
  'x-access-token',
  'github.com',
  'db:5432',
  '/',
  '?',
  '&',
  ';',
  '=',
  '?token=',
  '&sig=',
  ';key=',
  'ref=main',
  'ghp_0123456789abcdefghijABCDEFGHIJ',
  'github_pat_0123456789ABCDEFXYZ_abcd',
  'glpat-0123456789abcdefghij',
  'AKIA0123456789ABCDEF',
  'ASIAABCDEFGHIJKLMNOP',
  'gh',
  'high',
  ' ',
  '\n',
  '\t',
  '\u00a0',
  '"',
  "'",
  '<',
  '>',
  '`',
  '#',
  ',',
  '(',
  '[',
  'a.b',
  '-',
  '_',
  '.',
];

describe('redactCredentials', () => {
  it('redacts exactly as running every expression after the one shared pre-check', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        expect(redactCredentials(text)).toBe(referenceRedact(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('redacts arbitrary text exactly as before', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...'@:/?&;=gh_AKIS \n"\'<>`#.a-1pt'), maxLength: 60 }),
        (text) => {
          expect(redactCredentials(text)).toBe(referenceRedact(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
