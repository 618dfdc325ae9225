import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DmsAlarmDefinition } from './alarm-definitions';

export interface DmsAlarmFactoryProps {
  /**
   * Where ALARM and OK notifications go.
   * @default - no actions (the alarms still show on dashboards)
   */
  readonly topic?: sns.ITopic;
}

/** Creates DMS alarms from their definitions, all alike: name, description with runbook, actions on ALARM and OK. */
export class DmsAlarmFactory {
  private readonly action?: cloudwatch.IAlarmAction;

  constructor(props: DmsAlarmFactoryProps = {}) {
    this.action = props.topic ? new cloudwatchActions.SnsAction(props.topic) : undefined;
  }

  public createAlarm<K extends string, T>(
    scope: Construct,
    id: string,
    definition: DmsAlarmDefinition<K, T>,
    metric: cloudwatch.Metric,
    thresholds: T,
    alarmName: string,
    subject: string,
  ): cloudwatch.Alarm {
    if (metric.metricName !== definition.metricName) {
      throw new Error(`${scope.node.path}/${id}: metric ${metric.metricName} does not match the definition's ${definition.metricName}`);
    }
    const threshold = definition.threshold(thresholds);
    const alarm = new cloudwatch.Alarm(scope, id, {
      alarmName,
      alarmDescription: truncate(
        `${subject}: ${definition.describeThreshold(threshold)}. ${definition.meaning} Runbook: ${definition.runbook}`,
        1024,
      ),
      metric: metric.with({ statistic: definition.statistic, period: definition.period }),
      threshold,
      comparisonOperator: definition.comparisonOperator,
      evaluationPeriods: definition.evaluationPeriods,
      datapointsToAlarm: definition.datapointsToAlarm,
      treatMissingData: definition.treatMissingData,
      actionsEnabled: true,
    });
    if (this.action) {
      alarm.addAlarmAction(this.action);
      alarm.addOkAction(this.action);
    }
    return alarm;
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}
