/**
 * The script-tag bundle (dist/tapegrad.min.js): everything @tapegrad/autograd and @tapegrad/nn
 * export, under one global, `tapegrad`, for pages without a bundler (notebooks, CodePen,
 * Observable), as tf.min.js does for TensorFlow.js.
 */
export * from '@tapegrad/autograd';
export * from './index.js';
// Both packages name a type WorstElement; types do not reach the script-tag global anyway.
export type { WorstElement } from './index.js';
