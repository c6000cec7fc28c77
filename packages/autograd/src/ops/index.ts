/** Every op, re-exported from its family file. */
export * from './elementwise.js';
export * from './unary.js';
export * from './reduce.js';
export * from './softmax.js';
export * from './movement.js';
export * from './slicing.js';
export * from './gather.js';
export * from './compare.js';
export * from './linalg.js';
export * from './cast.js';
