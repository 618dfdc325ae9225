export * from './account-roles';
export * from './endpoint';
export * from './metrics';
export * from './replication-instance';
export * from './replication-task';
export * from './subnet-group';
export * from './task-settings';
export * from './secret-access';
