// Loaded by two-builds.test.ts in a child process: one ESM and one CJS copy of each package, as
// when an ESM app and a CJS dependency both import them. Prints one JSON report.
import { createRequire } from 'node:module';

const [, , root] = process.argv;
const require = createRequire(`${root}/entry.cjs`);
const esm = await import(`${root}/node_modules/@tapegrad/autograd/dist/index.js`);
const cjs = require('@tapegrad/autograd');
const nnEsm = await import(`${root}/node_modules/@tapegrad/nn/dist/index.js`);
const nnCjs = require('@tapegrad/nn');

const report = {};
const attempt = (name, fn) => {
  try {
    report[name] = fn();
  } catch (e) {
    report[name] = `threw ${e?.constructor?.name}: ${e?.message}`;
  }
};

report.distinctCopies = esm.Tensor !== cjs.Tensor && nnEsm.Linear !== nnCjs.Linear;
attempt('noGradAcrossBuilds', () => {
  const x = esm.tensor([1, 2], { requiresGrad: true });
  return cjs.noGrad(() => esm.mul(x, 2).requiresGrad) === false && esm.mul(x, 2).requiresGrad === true;
});
attempt('enableGradAcrossBuilds', () =>
  esm.noGrad(() => cjs.isGradEnabled() === false && cjs.enableGrad(() => esm.isGradEnabled())),
);
attempt('anomalyAcrossBuilds', () => cjs.detectAnomaly(() => esm.isAnomalyEnabled()));
attempt('tensorInstanceof', () => esm.zeros([1]) instanceof cjs.Tensor && cjs.zeros([1]) instanceof esm.Tensor);
attempt('rngInstanceof', () => new esm.Rng(1) instanceof cjs.Rng && new cjs.Rng(1) instanceof esm.Rng);
attempt('errorInstanceof', () => {
  try {
    cjs.matmul(cjs.zeros([2, 3]), cjs.zeros([2, 3]));
    return 'no error';
  } catch (e) {
    return e instanceof esm.ShapeError && e instanceof esm.TapegradError && !(e instanceof esm.DTypeError);
  }
});
attempt('nodeIdsShared', () => {
  // Ids come from one counter: consecutive ops, whichever build records them, get consecutive ids.
  const x = cjs.tensor([1], { requiresGrad: true });
  const a = cjs.mul(x, 2).gradFn.id;
  const b = esm.mul(x, 3).gradFn.id;
  const c = cjs.mul(x, 4).gradFn.id;
  return b === a + 1 && c === b + 1;
});
attempt('mixedBackward', () => {
  const x = esm.tensor([1, 2], { requiresGrad: true });
  cjs.sum(esm.mul(cjs.mul(x, x), 3)).backward();
  return Array.from(x.grad.data);
});
attempt('nnAcrossBuilds', () => {
  const layer = new nnCjs.Linear(2, 1, { rng: new esm.Rng(3) });
  const out = layer.forward(esm.tensor([[1, 2]]));
  return (
    out instanceof esm.Tensor &&
    layer instanceof nnEsm.Module &&
    layer.weight instanceof nnEsm.Parameter &&
    layer.weight instanceof esm.Tensor &&
    !(esm.zeros([1]) instanceof nnEsm.Parameter)
  );
});
attempt('nnErrorInstanceof', () => {
  try {
    nnCjs.stateDictFromJSON('{');
    return 'no error';
  } catch (e) {
    return e instanceof nnEsm.SerializationError && e instanceof esm.TapegradError;
  }
});
attempt('userSubclass', () => {
  class Net extends nnEsm.Module {
    forward(x) {
      return x;
    }
    describe() {
      return 'Net';
    }
  }
  return (
    new Net() instanceof Net &&
    new Net() instanceof nnCjs.Module &&
    !(new nnCjs.Linear(1, 1, { rng: new cjs.Rng(1) }) instanceof Net)
  );
});
// Generated mixes: 300 random chains whose every op, creation and mode switch comes from a build
// picked at random must give exactly what one build alone gives, value and gradient.
attempt('generatedMixes', () => {
  const pick = new esm.Rng(11);
  const unary = ['exp', 'tanh', 'sigmoid', 'square', 'neg'];
  const failures = [];
  for (let c = 0; c < 300; c++) {
    const plan = Array.from({ length: 1 + pick.int(5) }, () => [unary[pick.int(unary.length)], pick.int(3)]);
    const start = [pick.normal(), pick.normal(), pick.normal()];
    const run = (choose) => {
      const x = choose().tensor(start, { requiresGrad: true });
      let y = x;
      for (const [op, mode] of plan) {
        const lib = choose();
        y =
          mode === 0
            ? lib[op](y)
            : mode === 1
              ? lib.mul(y, lib.tensor(0.5))
              : choose()
                  .noGrad(() => lib[op](y))
                  .add(y);
      }
      choose().sum(y).backward();
      return JSON.stringify([Array.from(y.data), Array.from(x.grad.data), y.requiresGrad]);
    };
    const single = run(() => esm);
    const mixed = run(() => (pick.int(2) === 0 ? esm : cjs));
    if (single !== mixed) failures.push({ plan, single, mixed });
  }
  return failures.length === 0 ? 300 : failures.slice(0, 2);
});
console.log(JSON.stringify(report));
