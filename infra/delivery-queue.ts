import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DeliveryQueueProps {
  /** The consumer's timeout: the visibility timeout is six times it. */
  consumerTimeout: Duration;
  /** Receives before a delivery is parked in the dead-letter queue. */
  maxReceiveCount: number;
  alarmTopicArn?: string;
}

/**
 * The FIFO queue between webhook and worker, its dead-letter queue and the alarm on it.
 * Deduplication ids are the delivery ids the webhook sets, so content-based deduplication is off.
 */
export class DeliveryQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly alarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: DeliveryQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      fifo: true,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      fifo: true,
      contentBasedDeduplication: false,
      // Lambda's guidance for SQS event sources: at least six times the function timeout
      // (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
      visibilityTimeout: Duration.seconds(props.consumerTimeout.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    this.alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription:
        'A GitHub delivery failed repeatedly and is parked in the dead-letter queue. See docs/deploy-aws.md (Dead letters).',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn) {
      const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
      this.alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    }
  }
}
