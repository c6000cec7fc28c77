// Run by threads.test.ts in a child process: opens the worker pool with a product large enough to
// split, prints what ran, and must then exit on its own (the workers are unref'd).
import { getNumThreads, matmul, ones, setNumThreads } from '@tapegrad/autograd';
import { poolThreads } from '../../src/kernels/wasm/pool.js';

setNumThreads(2);
const a = ones([256, 256]); // 256³ multiply-adds: the smallest product the pool takes by default
const c = matmul(a, a);
console.log(`threads ${getNumThreads()} pool ${poolThreads()} c ${c.data[0]}`);
