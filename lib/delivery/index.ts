export * from './config';
export * from './github-roles';
export * from './app';
