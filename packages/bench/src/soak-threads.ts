/**
 * Soak of the kernels' worker pool: 100,000 training-like steps (a product large enough to split,
 * and its backward) on every thread, switching to one more thread and back every 10,000 steps so
 * the pool is torn down and rebuilt (a change to one thread leaves it open, asleep). Fails (exit code 1) if the heap, the resident set or the wasm
 * memory grows past warm-up, or if results stop matching the first step bit for bit.
 *
 * `npx -y pnpm@10 --filter @tapegrad/bench soak:threads [steps]`; not a unit test (it takes minutes). The
 * command sets `TAPEGRAD_PARALLEL_MIN=0`, so the 64×64 products split although they are below the
 * default threshold: a step stays short and the pool still does every one.
 */
import { Rng, getNumThreads, matmul, randn, setNumThreads } from '@tapegrad/autograd';

const steps = Number(process.argv[2] ?? 100_000);
const threads = Math.max(2, getNumThreads());
const rng = new Rng(14);
const x = randn([64, 64], { rng });
const w = randn([64, 64], { rng, requiresGrad: true });

function step(): Float64Array {
  const y = matmul(x, w);
  y.mul(y).sum().backward();
  const g = Float64Array.from(w.grad!.data);
  w.grad = null;
  return g;
}

function sample(): { heap: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 };
}

setNumThreads(threads);
const first = step();
let warm: { heap: number; rss: number } | null = null;
let worst = { heap: 0, rss: 0 };
const started = performance.now();
for (let i = 1; i <= steps; i++) {
  if (i % 10_000 === 0) setNumThreads(threads + 1);
  if (i % 10_000 === 100) setNumThreads(threads);
  const g = step();
  if (i % 997 === 0 && !g.every((v, j) => Object.is(v, first[j]))) {
    console.error(`step ${i}: the gradient differs from step 0's`);
    process.exit(1);
  }
  if (i % 10_000 === 5_000) {
    globalThis.gc?.();
    const now = sample();
    warm ??= now;
    worst = { heap: Math.max(worst.heap, now.heap), rss: Math.max(worst.rss, now.rss) };
    console.log(
      `step ${i}: heap ${now.heap.toFixed(1)} MiB, rss ${now.rss.toFixed(1)} MiB, ${((performance.now() - started) / i).toFixed(3)} ms/step`,
    );
  }
}
// Warm-up sample at 5,000 steps; later samples may wander by collector timing, not by steps.
const grew = warm !== null && (worst.heap > warm.heap + 16 || worst.rss > warm.rss + 64);
console.log(
  `${steps} steps on ${threads} threads: ${grew ? 'GREW' : 'no growth'} (warm ${JSON.stringify(warm)}, worst ${JSON.stringify(worst)})`,
);
process.exit(grew ? 1 : 0);
