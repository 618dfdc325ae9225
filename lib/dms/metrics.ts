import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { DMS_NAMESPACE } from './metric-names';

export * from './metric-names';

/** Defaults shared by every DMS metric: DMS publishes at 1-minute resolution; 5 minutes smooths it. */
export function dmsMetric(
  metricName: string,
  dimensionsMap: Record<string, string>,
  props: cloudwatch.MetricOptions = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: DMS_NAMESPACE,
    metricName,
    dimensionsMap,
    period: Duration.minutes(5),
    statistic: cloudwatch.Stats.AVERAGE,
    ...props,
  });
}
