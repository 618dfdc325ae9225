export * from './config';
export * from './github-roles';
export * from './app';
export * from './plan';
export * from './diff-parse';
export * from './diff-report';
export * from './markdown';
