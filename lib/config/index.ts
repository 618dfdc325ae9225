export * from './schema';
export * from './load';
export * from './monitoring';
export * from './restoration';
export * from './change-safety';
