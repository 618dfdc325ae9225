/*
 * DMS metric names and dimensions, free of CDK imports so the operator CLI reads the same
 * names the alarms are built from.
 */

/** CloudWatch namespace of every DMS metric. */
export const DMS_NAMESPACE = 'AWS/DMS';

/**
 * Instance metrics: dimension ReplicationInstanceIdentifier = the instance identifier, lowercase.
 * Units and meaning from "AWS DMS metrics" in the DMS user guide.
 */
export const InstanceMetric = {
  CPU_UTILIZATION: 'CPUUtilization',
  FREEABLE_MEMORY: 'FreeableMemory',
  AVAILABLE_MEMORY: 'AvailableMemory',
  FREE_STORAGE_SPACE: 'FreeStorageSpace',
  SWAP_USAGE: 'SwapUsage',
  DISK_QUEUE_DEPTH: 'DiskQueueDepth',
  READ_IOPS: 'ReadIOPS',
  WRITE_IOPS: 'WriteIOPS',
  READ_LATENCY: 'ReadLatency',
  WRITE_LATENCY: 'WriteLatency',
  READ_THROUGHPUT: 'ReadThroughput',
  WRITE_THROUGHPUT: 'WriteThroughput',
  NETWORK_RECEIVE_THROUGHPUT: 'NetworkReceiveThroughput',
  NETWORK_TRANSMIT_THROUGHPUT: 'NetworkTransmitThroughput',
} as const;

/**
 * Task metrics: dimensions ReplicationInstanceIdentifier + ReplicationTaskIdentifier, where the
 * task value is the task's resource id (last segment of its ARN), not its name.
 */
export const TaskMetric = {
  CDC_LATENCY_SOURCE: 'CDCLatencySource',
  CDC_LATENCY_TARGET: 'CDCLatencyTarget',
  CDC_INCOMING_CHANGES: 'CDCIncomingChanges',
  CDC_CHANGES_MEMORY_SOURCE: 'CDCChangesMemorySource',
  CDC_CHANGES_MEMORY_TARGET: 'CDCChangesMemoryTarget',
  CDC_CHANGES_DISK_SOURCE: 'CDCChangesDiskSource',
  CDC_CHANGES_DISK_TARGET: 'CDCChangesDiskTarget',
  CDC_THROUGHPUT_ROWS_SOURCE: 'CDCThroughputRowsSource',
  CDC_THROUGHPUT_ROWS_TARGET: 'CDCThroughputRowsTarget',
  CDC_THROUGHPUT_BANDWIDTH_SOURCE: 'CDCThroughputBandwidthSource',
  CDC_THROUGHPUT_BANDWIDTH_TARGET: 'CDCThroughputBandwidthTarget',
  FULL_LOAD_THROUGHPUT_ROWS_TARGET: 'FullLoadThroughputRowsTarget',
  FULL_LOAD_THROUGHPUT_BANDWIDTH_TARGET: 'FullLoadThroughputBandwidthTarget',
} as const;

export const INSTANCE_DIMENSION = 'ReplicationInstanceIdentifier';
export const TASK_DIMENSION = 'ReplicationTaskIdentifier';
