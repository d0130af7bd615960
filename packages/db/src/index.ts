export * from './audit';
export * from './client';
export * from './queries/audit';
export * from './queries/auth';
export * from './queries/leads';
export * from './queries/org';
export * as schema from './schema';
