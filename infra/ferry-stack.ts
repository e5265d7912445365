/**
 * Ferry's control plane in one stack: GitHub → Function URL → webhook → SQS FIFO → worker → EKS.
 * Nothing runs at idle: Lambda, SQS, S3 and an alarm bill per use (the two secrets ~$0.80/month).
 */
import { join } from 'node:path';
import { KubectlV35Layer } from '@aws-cdk/lambda-layer-kubectl-v35';
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { DeliveryQueue } from './delivery-queue.ts';
import { EksSignalAccess } from './eks-signal-access.ts';
import {
  COMMON_BUNDLING,
  type FunctionBundling,
  PROJECT_ROOT,
  WEBHOOK_BUNDLING,
  WORKER_BUNDLING,
} from './function-bundling.ts';
import type { ClusterConfig, GitHubServerConfig, StackConfig } from './load-stack-config.ts';

export interface FerryStackProps extends StackProps {
  clusters: ClusterConfig[];
  alarmTopicArn?: string;
  /** GitHub Enterprise Server; the worker's client and every link it writes use it. */
  github?: GitHubServerConfig;
  /** Reserved concurrency of the webhook function; none when undefined (see load-stack-config.ts). */
  webhookConcurrency?: number;
  /** App IDs whose `ferry/live:` check runs the worker trusts besides its own (FERRY_AGENT_APP_IDS). */
  agentAppIds?: number[];
}

/** The stack's props from the checked CDK context (infra/app.ts and the tests build the stack alike). */
export function stackPropsOf(config: StackConfig): FerryStackProps {
  return {
    clusters: config.clusters,
    ...(config.alarmTopicArn ? { alarmTopicArn: config.alarmTopicArn } : {}),
    ...(config.github ? { github: config.github } : {}),
    ...(config.webhookConcurrency ? { webhookConcurrency: config.webhookConcurrency } : {}),
    ...(config.agentAppIds ? { agentAppIds: config.agentAppIds } : {}),
  };
}

/**
 * The Lambda runtime of both functions: the newest Node.js that aws-cdk-lib offers (2.276:
 * nodejs24.x). Named here, not NODEJS_LATEST, so an aws-cdk-lib upgrade never changes the runtime
 * unnoticed; the bundles' esbuild target follows it (function-bundling.ts).
 */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** Where the kubectl/helm layer puts its binaries (the layer zip's `kubectl/` and `helm/` under /opt). */
export const LAYER_KUBECTL = '/opt/kubectl/kubectl';
export const LAYER_HELM = '/opt/helm/helm';

const WORKER_TIMEOUT = Duration.minutes(5);
/**
 * Receives before the dead-letter queue: with the worker's retry delays (30 s, 90 s, 270 s, 600 s;
 * functions/worker/classify-failure.ts) a delivery that keeps failing is parked after ~17 minutes
 * of retries instead of holding its repository for hours.
 */
const MAX_RECEIVE_COUNT = 5;

export class FerryStack extends Stack {
  constructor(scope: Construct, id: string, props: FerryStackProps) {
    super(scope, id, props);

    // Secrets: values are generated at deploy time or put by the operator, never in the template.
    const webhookSecret = new secretsmanager.Secret(this, 'WebhookSecret', {
      description:
        'Ferry: the GitHub App webhook secret (plain string). Generated; copy it into the App settings or replace it.',
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    Validations.of(webhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The webhook secret is shared with the GitHub App settings, which no rotation Lambda can update: rotating it is a manual change on both sides (docs/deploy-aws.md).',
    });
    const appSecret = new secretsmanager.Secret(this, 'AppSecret', {
      description: 'Ferry: the GitHub App credentials, JSON {"appId": "…", "privateKey": "-----BEGIN…"}.',
      // A placeholder the worker recognises as "not set yet" (it refuses an empty appId).
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ appId: '', privateKey: '' }),
        generateStringKey: 'placeholder',
      },
    });
    Validations.of(appSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "The App's private key is issued by GitHub (App settings → Generate a private key); AWS cannot create a new one, so rotation is a manual step (docs/deploy-aws.md).",
    });

    const claimChecks = new s3.Bucket(this, 'ClaimCheckBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // The worker deletes a body once handled; this catches the rest (failed, parked, duplicates).
      lifecycleRules: [{ id: 'expire-deliveries', prefix: 'deliveries/', expiration: Duration.days(1) }],
      // Deleting the stack deletes the bucket if empty (the lifecycle rule empties it within a day);
      // no auto-delete custom resource, whose role would need broad S3 rights.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    Validations.of(claimChecks).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Claim checks are transient (deleted once handled, expired after a day), written only by the webhook role and read only by the worker role; an access-log bucket would cost a second bucket per install for requests CloudTrail data events can record on demand.',
    });
    // One object per delivery id, unknown ahead: the grants name the prefix, never the bucket.
    const claimCheckObjects = claimChecks.arnForObjects('deliveries/*');
    const claimCheckWildcard = {
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(claimChecks.node.defaultChild as s3.CfnBucket)}.Arn>/deliveries/*]`,
      reason:
        "Claim-check objects are keyed by GitHub's delivery id, unknown until the delivery arrives; the grant is confined to the bucket's deliveries/ prefix.",
    };

    const deliveries = new DeliveryQueue(this, 'Deliveries', {
      consumerTimeout: WORKER_TIMEOUT,
      maxReceiveCount: MAX_RECEIVE_COUNT,
      ...(props.alarmTopicArn ? { alarmTopicArn: props.alarmTopicArn } : {}),
    });

    // Webhook: internet-facing, small, arm64. Reads only the webhook secret.
    const webhookRole = this.functionRole('WebhookRole');
    const webhook = this.nodeFunction('Webhook', {
      bundling: WEBHOOK_BUNDLING,
      role: webhookRole,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 512,
      // Under GitHub's 10-second delivery timeout, so a stuck call fails on our side, visibly.
      timeout: Duration.seconds(9),
      // The Function URL is public: a flood (signed or not) gets 429s past this many at once,
      // instead of scaling cost without bound.
      ...(props.webhookConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: props.webhookConcurrency }),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'ferry-webhook',
        FERRY_WEBHOOK_SECRET_ID: webhookSecret.secretArn,
        FERRY_QUEUE_URL: deliveries.queue.queueUrl,
        FERRY_BUCKET: claimChecks.bucketName,
      },
    });
    webhookRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [webhookSecret.secretArn],
      }),
    );
    webhookRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [deliveries.queue.queueArn] }),
    );
    webhookRole.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [claimCheckObjects] }),
    );
    Validations.of(webhookRole).acknowledge(claimCheckWildcard);
    const url = webhook.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    // Worker: runs the Probot app and the engine, x86-64 to match the kubectl/helm layer.
    const workerRole = this.functionRole('WorkerRole');
    const worker = this.nodeFunction('Worker', {
      bundling: WORKER_BUNDLING,
      role: workerRole,
      architecture: lambda.Architecture.X86_64,
      memorySize: 2048,
      timeout: WORKER_TIMEOUT,
      // Repository tarballs and rendered charts go to /tmp.
      ephemeralStorageSize: Size.gibibytes(2),
      layers: [new KubectlV35Layer(this, 'KubectlLayer')],
      environment: {
        POWERTOOLS_SERVICE_NAME: 'ferry-worker',
        FERRY_APP_SECRET_ID: appSecret.secretArn,
        FERRY_BUCKET: claimChecks.bucketName,
        // Failed records get their retry delay here (sqs:ChangeMessageVisibility, granted below).
        FERRY_QUEUE_URL: deliveries.queue.queueUrl,
        FERRY_KUBECTL: LAYER_KUBECTL,
        FERRY_HELM: LAYER_HELM,
        // Two renders at once (a pull request's base and head) beside the worker within its 2048 MB:
        // the CLI's 1024 MiB default would not leave room for both and Ferry (docs/deploy-aws.md).
        FERRY_RENDER_MEMORY_MB: '768',
        // No HELM_*_HOME here: src/render runs each binary in a /tmp sandbox with its own homes.
        NODE_OPTIONS: '--enable-source-maps',
        ...(props.github ? { GHE_HOST: props.github.host, GHE_PROTOCOL: props.github.protocol } : {}),
        ...(props.agentAppIds?.length ? { FERRY_AGENT_APP_IDS: props.agentAppIds.join(',') } : {}),
      },
    });
    workerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue'],
        resources: [appSecret.secretArn],
      }),
    );
    workerRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:DeleteObject'],
        resources: [claimCheckObjects],
      }),
    );
    Validations.of(workerRole).acknowledge(claimCheckWildcard);
    // The event source grants consuming the queue: ReceiveMessage, DeleteMessage and the
    // ChangeMessageVisibility the worker calls to set a failed record's retry delay.
    worker.addEventSource(
      new SqsEventSource(deliveries.queue, {
        // Records run one after another; five 1-minute deliveries fit the 5-minute timeout, and the
        // handler stops starting new ones when a minute is left.
        batchSize: 5,
        reportBatchItemFailures: true,
      }),
    );
    new EksSignalAccess(this, 'EksSignalAccess', { role: workerRole, clusters: props.clusters });
    const droppedAlarm = this.droppedDeliveryAlarm(worker.logGroup, props.alarmTopicArn);

    new CfnOutput(this, 'WebhookUrl', {
      value: url.url,
      description: 'Paste into the GitHub App settings: Webhook URL (content type application/json).',
    });
    new CfnOutput(this, 'WebhookSecretArn', {
      value: webhookSecret.secretArn,
      description:
        'The webhook secret: read it (or put your own) and set the same value in the App settings.',
    });
    new CfnOutput(this, 'AppSecretArn', {
      value: appSecret.secretArn,
      description: 'Put {"appId", "privateKey"} of the GitHub App here.',
    });
    new CfnOutput(this, 'WorkerRoleArn', {
      value: workerRole.roleArn,
      description: 'Mapped to the Kubernetes group ferry:signal by the EKS access entries.',
    });
    new CfnOutput(this, 'WebhookFunctionName', { value: webhook.functionName });
    new CfnOutput(this, 'WorkerFunctionName', { value: worker.functionName });
    new CfnOutput(this, 'WebhookLogGroup', { value: webhook.logGroup.logGroupName });
    new CfnOutput(this, 'WorkerLogGroup', { value: worker.logGroup.logGroupName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: deliveries.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueArn', { value: deliveries.deadLetterQueue.queueArn });
    new CfnOutput(this, 'DeadLetterAlarmName', { value: deliveries.alarm.alarmName });
    new CfnOutput(this, 'DroppedDeliveryAlarmName', { value: droppedAlarm.alarmName });
  }

  /**
   * The worker drops a delivery no retry can fix (functions/worker/classify-failure.ts) with one
   * `delivery dropped` log line: a metric filter counts them and an alarm fires at the first, since
   * most need the operator (credentials, permissions, a suspended installation).
   */
  private droppedDeliveryAlarm(logGroup: logs.ILogGroup, alarmTopicArn?: string): cloudwatch.Alarm {
    const filter = new logs.MetricFilter(this, 'DroppedDeliveries', {
      logGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', 'delivery dropped'),
      // One namespace per stack, so a staging Ferry in the same account counts its own.
      metricNamespace: `Ferry/${this.stackName}`,
      metricName: 'DeliveriesDropped',
      metricValue: '1',
    });
    const alarm = new cloudwatch.Alarm(this, 'DroppedDeliveryAlarm', {
      alarmDescription:
        'The worker dropped a GitHub delivery no retry can fix; its `delivery dropped` log line says what to fix. See docs/deploy-aws.md (Dropped deliveries).',
      metric: filter.metric({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (alarmTopicArn) {
      alarm.addAlarmAction(
        new cloudwatchActions.SnsAction(sns.Topic.fromTopicArn(this, 'DroppedAlarmTopic', alarmTopicArn)),
      );
    }
    return alarm;
  }

  /** A role with no managed policies: logging rights are granted on the function's own log group. */
  private functionRole(id: string): iam.Role {
    return new iam.Role(this, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  }

  private nodeFunction(
    id: string,
    options: {
      bundling: FunctionBundling;
      role: iam.Role;
      architecture: lambda.Architecture;
      memorySize: number;
      timeout: Duration;
      environment: Record<string, string>;
      ephemeralStorageSize?: Size;
      layers?: lambda.ILayerVersion[];
      reservedConcurrentExecutions?: number;
    },
  ): nodejs.NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    options.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const { bundling, ...rest } = options;
    return new nodejs.NodejsFunction(this, id, {
      ...rest,
      entry: join(PROJECT_ROOT, bundling.entry),
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: FUNCTION_RUNTIME,
      logGroup,
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: COMMON_BUNDLING.target,
        minify: COMMON_BUNDLING.minify,
        mainFields: [...COMMON_BUNDLING.mainFields],
        banner: COMMON_BUNDLING.banner,
        esbuildArgs: Object.fromEntries(
          Object.entries(COMMON_BUNDLING.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        externalModules: bundling.external,
        sourceMap: bundling.sourceMap,
        // Local esbuild from node_modules: no Docker needed to synth or deploy.
        forceDockerBundling: false,
      },
    });
  }
}
