import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidSignature } from '../../src/github/is-valid-signature.ts';
import { signatureOf } from '../functions/helpers/function-url-event.ts';

describe('isValidSignature', () => {
  it('accepts the HMAC-SHA256 of the exact bytes, in either hex case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string({ minLength: 1 }), (bytes, secret) => {
        const rawBody = Buffer.from(bytes);
        const signature = signatureOf(rawBody, secret);
        expect(isValidSignature({ secret, rawBody, signature })).toBe(true);
        expect(
          isValidSignature({
            secret,
            rawBody,
            signature: signature.toUpperCase().replace('SHA256=', 'sha256='),
          }),
        ).toBe(true);
      }),
    );
  });

  it('refuses the signature once any single bit of the body changes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 512 }),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        (bytes, at, bit) => {
          const rawBody = Buffer.from(bytes);
          const signature = signatureOf(rawBody, 's3cret');
          const tampered = Buffer.from(rawBody);
          const index = at % tampered.length;
          tampered[index] = (tampered[index] ?? 0) ^ (1 << bit);
          expect(isValidSignature({ secret: 's3cret', rawBody: tampered, signature })).toBe(false);
        },
      ),
    );
  });

  it('refuses a signature made with another secret', () => {
    const rawBody = Buffer.from('{"zen":"Keep it logically awesome."}');
    expect(isValidSignature({ secret: 'ours', rawBody, signature: signatureOf(rawBody, 'theirs') })).toBe(
      false,
    );
  });

  it('refuses anything that is not sha256= and 64 hex digits, without throwing', () => {
    const rawBody = Buffer.from('{}');
    fc.assert(
      fc.property(fc.string(), (signature) => {
        fc.pre(!/^sha256=[0-9a-f]{64}$/i.test(signature));
        expect(isValidSignature({ secret: 's', rawBody, signature })).toBe(false);
      }),
    );
  });
});
