export * from './audit';
export * from './auth';
export * from './counts';
export * from './leads';
export * from './ops';
export * from './org';
export * from './policy';
export * from './subject';
