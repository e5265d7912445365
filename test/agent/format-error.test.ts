import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/agent/logger.ts';

describe('formatError (agent log lines)', () => {
  it('says each cause once, leaving out a cause its wrapper already quotes', () => {
    // client-node's discovery prefixes the socket error's message and a KubeApiError wraps that.
    const socket = new Error(
      'request to https://10.0.0.1/apis/coordination.k8s.io/v1 failed, reason: connect ECONNREFUSED',
    );
    const discovery = new Error(
      `Failed to fetch resource metadata for coordination.k8s.io/v1/Lease: ${socket.message}`,
      {
        cause: socket,
      },
    );
    const wrapped = new Error(`discovery of coordination.k8s.io/v1 Lease: ${discovery.message}`, {
      cause: discovery,
    });
    expect(formatError(wrapped)).toBe(wrapped.message);
  });

  it('keeps a cause that adds something, and goes no deeper than four', () => {
    const root = new Error('certificate has expired');
    const mid = new Error('TLS handshake failed', { cause: root });
    expect(formatError(new Error('GET /api failed', { cause: mid }))).toBe(
      'GET /api failed: caused by: TLS handshake failed: caused by: certificate has expired',
    );
    let deep: Error = new Error('e0');
    for (let i = 1; i < 8; i++) deep = new Error(`e${i}`, { cause: deep });
    expect(formatError(deep)).toBe('e7: caused by: e6: caused by: e5: caused by: e4');
    expect(formatError('plain text')).toBe('plain text');
  });
});
