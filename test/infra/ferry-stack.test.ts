import { Annotations, Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { synthStack } from './synth-stack.ts';

const CLUSTERS = [{ name: 'prod' }, { name: 'staging', region: 'eu-west-1' }];
const { template } = synthStack({ context: { 'ferry:clusters': CLUSTERS } });

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

function resources(t: Template, type?: string): Resources {
  const all = t.toJSON().Resources as Resources;
  return Object.fromEntries(Object.entries(all).filter(([, r]) => type === undefined || r.Type === type));
}

function logicalIdOf(t: Template, type: string, props: Record<string, unknown>): string {
  const found = Object.keys(t.findResources(type, { Properties: props }));
  expect(found).toHaveLength(1);
  return found[0] as string;
}

const webhookId = logicalIdOf(template, 'AWS::Lambda::Function', {
  Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-webhook' }) },
});
const workerId = logicalIdOf(template, 'AWS::Lambda::Function', {
  Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-worker' }) },
});
const queueId = logicalIdOf(template, 'AWS::SQS::Queue', { RedrivePolicy: Match.anyValue() });
const dlqId = logicalIdOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });

/** A resource's properties; fails the test when the resource is missing. */
function propsOf(t: Template, logicalId: string): Record<string, unknown> {
  const props = resources(t)[logicalId]?.Properties;
  if (!props) throw new Error(`no resource ${logicalId} with properties`);
  return props;
}

function envOf(t: Template, functionId: string): Record<string, unknown> {
  return (propsOf(t, functionId).Environment as { Variables: Record<string, unknown> }).Variables;
}

function roleIdOf(t: Template, functionId: string): string {
  const role = propsOf(t, functionId).Role as { 'Fn::GetAtt': [string, string] };
  return role['Fn::GetAtt'][0];
}

/** The statements of the inline policy attached to the function's role. */
function statementsOf(t: Template, functionId: string): Record<string, unknown>[] {
  const roleId = roleIdOf(t, functionId);
  const policies = Object.values(resources(t, 'AWS::IAM::Policy')).filter((p) =>
    ((p.Properties?.Roles ?? []) as { Ref: string }[]).some((r) => r.Ref === roleId),
  );
  return policies.flatMap(
    (p) =>
      ((p.Properties?.PolicyDocument ?? { Statement: [] }) as { Statement: Record<string, unknown>[] })
        .Statement,
  );
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

describe('FerryStack: functions', () => {
  it('runs both functions on Node 24, the webhook on arm64 and the worker on x86-64', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-webhook' }) },
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 9,
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-worker' }) },
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
      MemorySize: 2048,
      Timeout: 300,
      EphemeralStorage: { Size: 2048 },
    });
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });

  // Issue 10, attack 10: an unsigned flood at the public Function URL scaled cost without bound.
  it('reserves 10 concurrent executions for the webhook by default, and none for the worker', () => {
    expect(propsOf(template, webhookId).ReservedConcurrentExecutions).toBe(10);
    // The worker's concurrency is bounded by the queue's message groups, not a reservation.
    expect(propsOf(template, workerId).ReservedConcurrentExecutions).toBeUndefined();
  });

  it('attaches the kubectl/helm layer to the worker only and points the engine at its binaries', () => {
    const layerId = logicalIdOf(template, 'AWS::Lambda::LayerVersion', {});
    const all = resources(template, 'AWS::Lambda::Function');
    expect(all[workerId]?.Properties?.Layers).toEqual([{ Ref: layerId }]);
    expect(all[webhookId]?.Properties?.Layers).toBeUndefined();
    expect(all[workerId]?.Properties?.Environment).toMatchObject({
      Variables: { FERRY_KUBECTL: '/opt/kubectl/kubectl', FERRY_HELM: '/opt/helm/helm' },
    });
  });

  it("caps the worker's renders so that a pull request's two fit beside it in its memory", () => {
    const worker = propsOf(template, workerId);
    const cap = Number(envOf(template, workerId).FERRY_RENDER_MEMORY_MB);
    // The CLI's default (1024 MiB) twice would not leave the worker room in 2048 MB.
    expect(cap).toBe(768);
    expect(2 * cap + 256).toBeLessThanOrEqual(worker.MemorySize as number);
  });

  it('exposes the webhook through a Function URL with auth NONE (the signature is the auth) and outputs it', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [webhookId, 'Arn'] },
    });
    template.resourceCountIs('AWS::Lambda::Url', 1);
    const urlId = logicalIdOf(template, 'AWS::Lambda::Url', {});
    template.hasOutput('WebhookUrl', { Value: { 'Fn::GetAtt': [urlId, 'FunctionUrl'] } });
  });

  it('gives each function its own log group with a retention, and no log-retention custom resource', () => {
    const groups = resources(template, 'AWS::Logs::LogGroup');
    expect(Object.values(groups).map((g) => g.Properties?.RetentionInDays)).toEqual([30, 30]);
    for (const id of [webhookId, workerId]) {
      const config = propsOf(template, id).LoggingConfig as { LogGroup: { Ref: string } };
      expect(Object.keys(groups)).toContain(config.LogGroup.Ref);
    }
    template.resourceCountIs('Custom::LogRetention', 0);
  });
});

describe('FerryStack: queue, dead letters, claim checks', () => {
  it('queues deliveries on a FIFO queue with our dedup ids and a visibility of six worker timeouts', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: false,
      VisibilityTimeout: 6 * 300,
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, MessageRetentionPeriod: 1_209_600 });
  });

  it('alarms as soon as one delivery is in the dead-letter queue', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('lets the worker shorten a failed record’s visibility on the delivery queue it is told the URL of', () => {
    expect(envOf(template, workerId).FERRY_QUEUE_URL).toEqual({ Ref: queueId });
    const visibility = statementsOf(template, workerId).filter((s) =>
      asList(s.Action).includes('sqs:ChangeMessageVisibility'),
    );
    expect(visibility.map((s) => [s.Effect, s.Resource])).toEqual([
      ['Allow', { 'Fn::GetAtt': [queueId, 'Arn'] }],
    ]);
  });

  it('counts the deliveries the worker drops from its log and alarms at the first', () => {
    const workerLogGroup = (propsOf(template, workerId).LoggingConfig as { LogGroup: { Ref: string } })
      .LogGroup.Ref;
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: workerLogGroup },
      FilterPattern: '{ $.message = "delivery dropped" }',
      MetricTransformations: [
        { MetricNamespace: 'Ferry/Ferry', MetricName: 'DeliveriesDropped', MetricValue: '1' },
      ],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ferry/Ferry',
      MetricName: 'DeliveriesDropped',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmDescription: Match.stringLikeRegexp('delivery dropped'),
    });
  });

  it('notifies an SNS topic from context when one is given', () => {
    const topic = 'arn:aws:sns:eu-west-1:123456789012:ops-alerts';
    const { template: t } = synthStack({ context: { 'ferry:alarmTopicArn': topic } });
    const alarms = Object.values(resources(t, 'AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(2);
    for (const alarm of alarms) expect(alarm.Properties?.AlarmActions).toEqual([topic]);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  it('feeds the worker from the queue, reporting partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 5,
    });
  });

  it('keeps claim-checked bodies in a private, encrypted bucket for one day at most', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      LifecycleConfiguration: {
        Rules: [{ Prefix: 'deliveries/', ExpirationInDays: 1, Status: 'Enabled', Id: 'expire-deliveries' }],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ],
      },
    });
    template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });
});

describe('FerryStack: secrets', () => {
  it('creates both secrets with generated values and no value in the template', () => {
    const secrets = Object.values(resources(template, 'AWS::SecretsManager::Secret'));
    expect(secrets).toHaveLength(2);
    for (const s of secrets) {
      expect(s.Properties?.SecretString).toBeUndefined();
      expect(s.Properties?.GenerateSecretString).toBeDefined();
    }
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/PRIVATE KEY|BEGIN RSA/);
  });

  it('hands the functions secret ARNs, never values, and each only the secret it needs', () => {
    const secretIds = Object.keys(resources(template, 'AWS::SecretsManager::Secret'));
    const env = (id: string) => envOf(template, id);
    const webhookSecret = env(webhookId).FERRY_WEBHOOK_SECRET_ID as { Ref: string };
    const appSecret = env(workerId).FERRY_APP_SECRET_ID as { Ref: string };
    expect(secretIds).toContain(webhookSecret.Ref);
    expect(secretIds).toContain(appSecret.Ref);
    expect(webhookSecret.Ref).not.toBe(appSecret.Ref);
    expect(env(webhookId)).not.toHaveProperty('FERRY_APP_SECRET_ID');
    for (const id of [webhookId, workerId]) {
      for (const value of Object.values(env(id))) {
        if (typeof value === 'string') expect(value).not.toMatch(/secret|key|token/i);
      }
    }
  });
});

describe('FerryStack: least privilege', () => {
  it('uses no wildcard action and no "*" resource in any Allow statement', () => {
    const documents = [
      ...Object.values(resources(template, 'AWS::IAM::Policy')).map((p) => p.Properties?.PolicyDocument),
      ...Object.values(resources(template, 'AWS::IAM::Role')).flatMap((r) =>
        ((r.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
          (p) => p.PolicyDocument,
        ),
      ),
      ...Object.values(resources(template, 'AWS::SQS::QueuePolicy')).map((p) => p.Properties?.PolicyDocument),
      ...Object.values(resources(template, 'AWS::S3::BucketPolicy')).map((p) => p.Properties?.PolicyDocument),
    ] as { Statement: Record<string, unknown>[] }[];
    const statements = documents.flatMap((d) => d.Statement);
    expect(statements.length).toBeGreaterThan(10);
    for (const statement of statements) {
      if (statement.Effect === 'Deny') {
        // `sqs:*`/`s3:*` appear only in enforceSSL's Deny, which takes rights away.
        expect(statement.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
        continue;
      }
      for (const action of asList(statement.Action)) expect(action).not.toContain('*');
      for (const resource of asList(statement.Resource)) expect(resource).not.toBe('*');
      expect(statement.NotAction).toBeUndefined();
      expect(statement.NotResource).toBeUndefined();
    }
  });

  it('attaches no managed policies (AWSLambdaBasicExecutionRole would grant logs on "*")', () => {
    for (const role of Object.values(resources(template, 'AWS::IAM::Role'))) {
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    }
  });

  it('lets the webhook read its secret, send to the queue and put claim checks, and nothing else', () => {
    const actions = statementsOf(template, webhookId)
      .flatMap((s) => asList(s.Action))
      .sort();
    expect(actions).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:PutObject',
      'secretsmanager:GetSecretValue',
      'sqs:SendMessage',
    ]);
    const put = statementsOf(template, webhookId).find((s) => s.Action === 's3:PutObject');
    expect(JSON.stringify(put?.Resource)).toContain('/deliveries/*');
  });

  it('lets the worker consume the queue, read and delete claim checks, read the App secret and describe its clusters', () => {
    const statements = statementsOf(template, workerId);
    const actions = statements.flatMap((s) => asList(s.Action)).sort();
    expect(actions).toEqual([
      'eks:DescribeCluster',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      's3:DeleteObject',
      's3:GetObject',
      'secretsmanager:GetSecretValue',
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    const secretRead = statements.find((s) => s.Action === 'secretsmanager:GetSecretValue');
    const appSecretId = (envOf(template, workerId).FERRY_APP_SECRET_ID as { Ref: string }).Ref;
    expect(secretRead?.Resource).toEqual({ Ref: appSecretId });
  });
});

describe('FerryStack: EKS access', () => {
  it('grants eks:DescribeCluster on each configured cluster ARN only', () => {
    const describe = statementsOf(template, workerId).find((s) => s.Action === 'eks:DescribeCluster');
    const arns = asList(describe?.Resource).map((r) => JSON.stringify(r));
    expect(arns).toHaveLength(2);
    expect(arns[0]).toContain(':cluster/prod');
    expect(arns[1]).toContain(':eks:eu-west-1:');
    expect(arns[1]).toContain(':cluster/staging');
  });

  it('maps the worker role to the ferry:signal group with one access entry per cluster', () => {
    const workerRole = roleIdOf(template, workerId);
    for (const name of ['prod', 'staging']) {
      template.hasResourceProperties('AWS::EKS::AccessEntry', {
        ClusterName: name,
        PrincipalArn: { 'Fn::GetAtt': [workerRole, 'Arn'] },
        KubernetesGroups: ['ferry:signal'],
        Type: 'STANDARD',
      });
    }
    template.resourceCountIs('AWS::EKS::AccessEntry', 2);
    // No access policy: the group's rights are the ferry-signal Role in infra/agent/rbac.yaml.
    template.hasResourceProperties('AWS::EKS::AccessEntry', { AccessPolicies: Match.absent() });
  });

  it('creates a region-pinned cluster entry only when deployed in that region (environment-agnostic template)', () => {
    const entry = Object.values(resources(template, 'AWS::EKS::AccessEntry')).find(
      (r) => r.Properties?.ClusterName === 'staging',
    ) as { Condition?: string };
    expect(entry.Condition).toBeDefined();
    expect(template.toJSON().Conditions[entry.Condition as string]).toEqual({
      'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'],
    });
  });

  it('skips, with a warning naming the command, the entry of a cluster in another region', () => {
    const { template: t, stack } = synthStack({
      context: { 'ferry:clusters': CLUSTERS },
      env: { region: 'us-east-1', account: '123456789012' },
    });
    t.resourceCountIs('AWS::EKS::AccessEntry', 1);
    t.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'prod' });
    Annotations.fromStack(stack).hasWarning(
      '*',
      Match.stringLikeRegexp(
        'staging.*aws eks create-access-entry --cluster-name staging --region eu-west-1',
      ),
    );
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'eks:DescribeCluster',
            Resource: Match.arrayWith([
              {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':eks:eu-west-1:123456789012:cluster/staging'],
                ],
              },
            ]),
          }),
        ]),
      },
    });
  });

  it('grants nothing on EKS when no cluster is configured (the default)', () => {
    const { template: t } = synthStack();
    t.resourceCountIs('AWS::EKS::AccessEntry', 0);
    expect(JSON.stringify(t.toJSON())).not.toContain('eks:');
  });
});

describe('FerryStack: outputs', () => {
  it('outputs what the install and day-2 docs refer to', () => {
    expect(Object.keys(template.toJSON().Outputs).sort()).toEqual([
      'AppSecretArn',
      'DeadLetterAlarmName',
      'DeadLetterQueueArn',
      'DeadLetterQueueUrl',
      'DroppedDeliveryAlarmName',
      'WebhookFunctionName',
      'WebhookLogGroup',
      'WebhookSecretArn',
      'WebhookUrl',
      'WorkerFunctionName',
      'WorkerLogGroup',
      'WorkerRoleArn',
    ]);
  });
});

describe('FerryStack: context', () => {
  it('names the stack from ferry:stackName and reads clusters given as JSON on the command line', () => {
    const { stack, template: t } = synthStack({
      context: { 'ferry:stackName': 'FerryStaging', 'ferry:clusters': '[{"name":"gpu-1"}]' },
    });
    expect(stack.stackName).toBe('FerryStaging');
    t.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'gpu-1' });
  });
});

describe('FerryStack: GitHub Enterprise Server', () => {
  it('hands the worker GHE_HOST and GHE_PROTOCOL from ferry:gheHost and ferry:gheProtocol', () => {
    const { template: t } = synthStack({
      context: { 'ferry:gheHost': 'github.example.com', 'ferry:gheProtocol': 'https' },
    });
    const worker = logicalIdOf(t, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-worker' }) },
    });
    expect(envOf(t, worker)).toMatchObject({ GHE_HOST: 'github.example.com', GHE_PROTOCOL: 'https' });
    // The webhook never calls GitHub: it only checks signatures.
    const webhook = logicalIdOf(t, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-webhook' }) },
    });
    expect(envOf(t, webhook).GHE_HOST).toBeUndefined();
  });

  it('hands the worker FERRY_AGENT_APP_IDS from ferry:agentAppIds, and none by default', () => {
    const { template: t } = synthStack({ context: { 'ferry:agentAppIds': '[777, 888]' } });
    const worker = logicalIdOf(t, 'AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'ferry-worker' }) },
    });
    expect(envOf(t, worker).FERRY_AGENT_APP_IDS).toBe('777,888');
    expect(envOf(template, workerId).FERRY_AGENT_APP_IDS).toBeUndefined();
  });

  it('sets no GHE variables for github.com (the default)', () => {
    expect(envOf(template, workerId).GHE_HOST).toBeUndefined();
    expect(envOf(template, workerId).GHE_PROTOCOL).toBeUndefined();
  });
});
