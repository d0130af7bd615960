export * from './enums';
export * from './errors';
export * from './inputs';
export * from './permissions';
export * from './scope';
export * from './validators';
