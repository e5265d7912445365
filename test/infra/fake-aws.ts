import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAws {
  /** For AWS_ENDPOINT_URL: every SDK client in the child process talks to this server. */
  endpoint: string;
  /** SQS SendMessage inputs received. */
  sent: Record<string, unknown>[];
  close: () => Promise<void>;
}

/**
 * Just enough of Secrets Manager (GetSecretValue) and SQS (SendMessage) over their JSON protocols
 * for a bundle under test to run against, through the SDK's endpoint override. Never AWS.
 */
export async function startFakeAws(secrets: Record<string, string>): Promise<FakeAws> {
  const sent: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const reply = (status: number, type: string, body: unknown) => {
        res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      if (target === 'secretsmanager.GetSecretValue') {
        const value = secrets[String(input.SecretId)];
        if (value === undefined) {
          reply(400, 'application/x-amz-json-1.1', {
            __type: 'ResourceNotFoundException',
            message: 'no such secret',
          });
          return;
        }
        reply(200, 'application/x-amz-json-1.1', { ARN: input.SecretId, Name: 'fake', SecretString: value });
        return;
      }
      if (target === 'AmazonSQS.SendMessage') {
        sent.push(input);
        const md5 = createHash('md5')
          .update(String(input.MessageBody ?? ''))
          .digest('hex');
        reply(200, 'application/x-amz-json-1.0', {
          MessageId: randomUUID(),
          MD5OfMessageBody: md5,
          SequenceNumber: '18849496460467696128',
        });
        return;
      }
      reply(400, 'application/x-amz-json-1.0', { __type: 'UnknownOperationException', message: target });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    sent,
    close: () =>
      new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
