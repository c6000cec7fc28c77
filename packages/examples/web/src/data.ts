import { Rng, Tensor } from '@tapegrad/autograd';

/** The 2-D datasets the page can train on. */
export type DatasetName = 'circles' | 'spirals';

/** A labelled 2-D point cloud: inputs in [−1, 1]², one 0/1 target per row. */
export interface Dataset {
  /** Inputs, shape [n, 2]. */
  readonly x: Tensor;
  /** Targets, shape [n, 1], 0 or 1. */
  readonly y: Tensor;
  /** Number of points. */
  readonly n: number;
}

/**
 * Two concentric rings (class 1 inside, class 0 outside) with Gaussian jitter. Linearly
 * inseparable, so a net without a hidden layer cannot fit it, yet one small hidden layer can.
 */
export function circles(n: number, rng: Rng, noise = 0.08): Dataset {
  return build(n, (i) => {
    const inner = i % 2 === 1;
    const angle = 2 * Math.PI * rng.uniform();
    const radius = inner ? 0.35 : 0.8;
    return [
      radius * Math.cos(angle) + noise * rng.normal(),
      radius * Math.sin(angle) + noise * rng.normal(),
      inner ? 1 : 0,
    ];
  });
}

/**
 * Two interleaved spirals, one per class: the classic hard case for shallow sigmoid nets,
 * where δ^l in the early layers visibly shrinks while the boundary slowly winds in.
 */
export function spirals(n: number, rng: Rng, noise = 0.04, turns = 1.25): Dataset {
  return build(n, (i) => {
    const label = i % 2;
    const t = rng.uniform();
    // sqrt spreads points evenly along the arc instead of crowding the centre.
    const r = 0.05 + 0.85 * Math.sqrt(t);
    const angle = 2 * Math.PI * turns * Math.sqrt(t) + label * Math.PI;
    return [r * Math.cos(angle) + noise * rng.normal(), r * Math.sin(angle) + noise * rng.normal(), label];
  });
}

/** The dataset `name` with `n` points drawn from `rng`. */
export function makeDataset(name: DatasetName, n: number, rng: Rng): Dataset {
  return name === 'circles' ? circles(n, rng) : spirals(n, rng);
}

function build(n: number, point: (i: number) => [number, number, number]): Dataset {
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [px, py, label] = point(i);
    xs[2 * i] = px;
    xs[2 * i + 1] = py;
    ys[i] = label;
  }
  return { x: new Tensor(xs, [n, 2]), y: new Tensor(ys, [n, 1]), n };
}
