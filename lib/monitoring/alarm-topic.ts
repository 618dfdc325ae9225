import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Service principals that publish to the alarm topic: CloudWatch alarms and DMS event subscriptions. */
export const ALARM_TOPIC_PUBLISHERS = ['cloudwatch.amazonaws.com', 'dms.amazonaws.com'] as const;

export interface AlarmTopicProps {
  /** @default - CloudFormation generates one */
  readonly topicName?: string;
  /** Shown as the sender of email notifications. @default - none */
  readonly displayName?: string;
  /** @default [] */
  readonly emails?: readonly string[];
  /** @default [] */
  readonly httpsUrls?: readonly string[];
  /** @default - no alias */
  readonly keyAlias?: string;
}

/**
 * An SNS topic that CloudWatch alarms and DMS events can publish to: encrypted with a customer
 * managed key (rotation on) whose policy lets those services use it (the AWS managed aws/sns key
 * cannot be used by CloudWatch), publishing only over TLS, with email and HTTPS subscriptions.
 */
export class AlarmTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    super(scope, id);
    const account = Stack.of(this).account;

    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the alarm topic ${this.node.path}`,
      enableKeyRotation: true,
      alias: props.keyAlias,
    });
    // CloudWatch and DMS publish with their service principals; SNS encrypts each message with a
    // data key generated under this key on their behalf.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishers',
        principals: ALARM_TOPIC_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: props.displayName,
      masterKey: this.key,
      enforceSSL: true,
    });
    // A topic policy replaces SNS's default policy: name the publishing services explicitly,
    // limited to this account's alarms and DMS resources (confused-deputy protection).
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowAlarmPublishers',
        principals: ALARM_TOPIC_PUBLISHERS.map((service) => new iam.ServicePrincipal(service)),
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    for (const url of props.httpsUrls ?? []) {
      this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
  }
}
