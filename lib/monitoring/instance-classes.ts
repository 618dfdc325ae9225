/*
 * Memory of the DMS replication instance classes, in GiB.
 *
 * Source: AWS DMS User Guide, "Choosing the right AWS DMS replication instance for your migration"
 * (DMS runs on the EC2 instance of the same family and size: T2, T3, C4, C5, C6i, C7i, R4, R5,
 * R6i, R7i), with each size's memory as listed in the Amazon EC2 instance-type specifications.
 * Not every size is offered in every Region or engine version; an entry here only lets the
 * FreeableMemory alarm derive its threshold. A class missing from the table fails synth unless
 * `monitoring.freeableMemoryBytes` is set explicitly.
 */

const GIB = 1024 * 1024 * 1024;

function family(prefix: string, sizes: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(sizes).map(([size, gib]) => [`dms.${prefix}.${size}`, gib]));
}

/** Memory in GiB by DMS instance class (`dms.<family>.<size>`). */
export const DMS_INSTANCE_CLASS_MEMORY_GIB: Readonly<Record<string, number>> = Object.freeze({
  ...family('t2', { micro: 1, small: 2, medium: 4, large: 8 }),
  ...family('t3', { micro: 1, small: 2, medium: 4, large: 8 }),
  ...family('c4', { large: 3.75, xlarge: 7.5, '2xlarge': 15, '4xlarge': 30 }),
  ...family('c5', { large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '9xlarge': 72, '12xlarge': 96, '18xlarge': 144, '24xlarge': 192 }),
  ...family('c6i', { large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '8xlarge': 64, '12xlarge': 96, '16xlarge': 128, '24xlarge': 192, '32xlarge': 256 }),
  ...family('c7i', { large: 4, xlarge: 8, '2xlarge': 16, '4xlarge': 32, '8xlarge': 64, '12xlarge': 96, '16xlarge': 128, '24xlarge': 192, '48xlarge': 384 }),
  ...family('r4', { large: 15.25, xlarge: 30.5, '2xlarge': 61, '4xlarge': 122, '8xlarge': 244, '16xlarge': 488 }),
  ...family('r5', { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768 }),
  ...family('r6i', { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768, '32xlarge': 1024 }),
  ...family('r7i', { large: 16, xlarge: 32, '2xlarge': 64, '4xlarge': 128, '8xlarge': 256, '12xlarge': 384, '16xlarge': 512, '24xlarge': 768, '48xlarge': 1536 }),
});

/** The memory of a DMS instance class in bytes, or undefined when the class is not in the table. */
export function instanceClassMemoryBytes(instanceClass: string): number | undefined {
  const gib = Object.prototype.hasOwnProperty.call(DMS_INSTANCE_CLASS_MEMORY_GIB, instanceClass)
    ? DMS_INSTANCE_CLASS_MEMORY_GIB[instanceClass]
    : undefined;
  return gib === undefined ? undefined : gib * GIB;
}

export const BYTES_PER_GIB = GIB;
