import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  claimCheckKeyOf,
  formatClaimCheckDelivery,
  formatInlineDelivery,
  MalformedMessageError,
  parseQueuedDelivery,
} from '../../../functions/shared/delivery-envelope.ts';

describe('delivery envelope', () => {
  it('reads back any inline delivery the webhook writes', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.stringMatching(/^[a-z_]{1,30}$/), fc.jsonValue(), (id, name, payload) => {
        fc.pre(payload !== null);
        const body = formatInlineDelivery({ id, name, rawPayload: JSON.stringify(payload, null, 1) });
        expect(parseQueuedDelivery(body, 'm')).toEqual({
          kind: 'inline',
          envelope: { id, name, payload: JSON.parse(JSON.stringify(payload)) },
        });
      }),
    );
  });

  it('reads back a claim check', () => {
    const s3 = { bucket: 'b', key: claimCheckKeyOf('abc') };
    expect(parseQueuedDelivery(formatClaimCheckDelivery({ id: 'abc', name: 'push', s3 }), 'm')).toEqual({
      kind: 'claim-check',
      id: 'abc',
      name: 'push',
      s3: { bucket: 'b', key: 'deliveries/abc.json' },
    });
  });

  it.each([
    ['not JSON', 'secret-token-123'],
    ['no payload', '{"id":"a","name":"push"}'],
    ['no id', '{"name":"push","payload":{}}'],
    ['a bad claim check', '{"id":"a","name":"push","s3":{"bucket":""}}'],
  ])('refuses a body with %s, naming the message and not echoing the body', (_label, body) => {
    let error: unknown;
    try {
      parseQueuedDelivery(body, 'msg-7');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(MalformedMessageError);
    expect((error as Error).message).toContain('msg-7');
    expect((error as Error).message).not.toContain('secret-token-123');
  });
});
