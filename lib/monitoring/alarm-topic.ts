import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** The service principal of CloudWatch alarms, which always publish to the alarm topic. */
export const CLOUDWATCH_PRINCIPAL = 'cloudwatch.amazonaws.com';

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
 * An SNS topic that CloudWatch alarms (and, once allowed, DMS events) publish to: encrypted with
 * a customer managed key (rotation on) whose policy lets those services use it (the AWS managed aws/sns key
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
    // CloudWatch publishes with its service principal; SNS encrypts each message with a data key
    // generated under this key on its behalf.
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
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
    // limited to this account's alarms (confused-deputy protection). Other publishers are added
    // with allowEventBridgeRule / allowDmsEventSubscriptions.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal(CLOUDWATCH_PRINCIPAL)],
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

  /**
   * Lets one EventBridge rule publish (DMS events). EventBridge's "Cross-service confused deputy
   * prevention" page: "For EventBridge event bus rule targets, the value of aws:SourceArn must be
   * the rule ARN".
   */
  public allowEventBridgeRule(ruleArn: string): void {
    this.allowServicePublisher('AllowEventBridgeRule', 'events.amazonaws.com', ruleArn);
  }

  /**
   * Lets this account's DMS event subscriptions publish. The DMS User Guide ("Validating the
   * access policy of your SNS topic") recommends the `aws:SourceArn` condition with "the DMS
   * EventSubscription Arn ... or *": `arn:<partition>:dms:<region>:<account>:es:*`.
   */
  public allowDmsEventSubscriptions(): void {
    const stack = Stack.of(this);
    this.allowServicePublisher(
      'AllowDmsEventSubscriptions',
      'dms.amazonaws.com',
      stack.formatArn({ service: 'dms', resource: 'es', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
    );
  }

  /**
   * A service principal may publish for sources matching `sourceArn` in this account, in the
   * topic policy and in the key policy alike (the SNS Developer Guide, "Enable compatibility
   * between event sources from AWS services and encrypted topics": kms:GenerateDataKey* and
   * kms:Decrypt, with aws:SourceAccount and aws:SourceArn against confused deputies).
   */
  private allowServicePublisher(sid: string, service: string, sourceArn: string): void {
    const conditions = { StringEquals: { 'aws:SourceAccount': Stack.of(this).account }, ArnLike: { 'aws:SourceArn': sourceArn } };
    const principals = [new iam.ServicePrincipal(service)];
    this.topic.addToResourcePolicy(new iam.PolicyStatement({ sid, principals, actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({ sid, principals, actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }));
  }
}
