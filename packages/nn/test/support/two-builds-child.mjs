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
  const before = esm.nodesCreated();
  const x = cjs.tensor([1], { requiresGrad: true });
  cjs.mul(x, 2);
  esm.mul(x, 3);
  return esm.nodesCreated() === before + 2 && cjs.nodesCreated() === esm.nodesCreated();
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
  return new Net() instanceof Net && new Net() instanceof nnCjs.Module && !(new nnCjs.Linear(1, 1, { rng: new cjs.Rng(1) }) instanceof Net);
});
console.log(JSON.stringify(report));
