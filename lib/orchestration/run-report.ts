/**
 * What a runbook execution reports: its output on success, the message it publishes to the
 * alarm topic, and what the operator CLI shows. Versioned so older executions stay readable.
 */
export interface RunReport {
  readonly version: 1;
  readonly environment: string;
  readonly task: string;
  /** SUCCEEDED: everything restored and verified; FAILED: some objects failed or the task failed. */
  readonly outcome: 'SUCCEEDED' | 'FAILED';
  /** Runbook step the report was produced at (e.g. "verify", "resume", "wait-for-full-load"). */
  readonly step: string;
  /** Whether the post-load restoration ran to the end and verify matched the plan. */
  readonly restorationVerified: boolean;
  readonly counts: {
    readonly restored: number;
    readonly skipped: number;
    readonly failed: number;
    readonly orphans: number;
  };
  /** Objects that could not be restored, with DMS's or the engine's reason. */
  readonly failures: ReadonlyArray<{ readonly object: string; readonly reason: string }>;
  /** Whether CDC was resumed (full-load-and-cdc tasks only). */
  readonly cdcResumed: boolean;
  readonly durationSeconds: number;
  /** For a failed task: DMS's own reason (StopReason or LastFailureMessage). */
  readonly dmsReason?: string;
  /** The premigration assessment run before the task's first start, when there was one. */
  readonly assessment?: RunReportAssessment;
}

export interface RunReportAssessment {
  readonly runName: string;
  /** ReplicationTaskAssessmentRun.Status (passed, warning, failed, ...). */
  readonly status: string;
  /** Where DMS wrote the results (s3://bucket/folder/). */
  readonly resultLocation?: string;
  /** Accepted warnings, and configured names DMS does not apply to the task. */
  readonly warnings: readonly string[];
}
