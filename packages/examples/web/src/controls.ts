import type { TrainerSettings } from './trainer.js';

/** The settings the page starts from. */
export const DEFAULTS: TrainerSettings = {
  dataset: 'spirals',
  hidden: [16, 16],
  lr: 1,
  cost: 'cross-entropy',
  batchSize: 10,
  seed: 7,
};

/** Finds an element by id or throws, naming the missing id (a typo in index.html shows at once). */
export function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`page: #${id} is missing or is not a ${type.name}.`);
  return el;
}

/** Parses "8, 8" into [8, 8]; rejects anything but 1–4 widths from 1 to 64 (bigger nets crawl in a tab). */
export function parseHidden(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const sizes = parts.map(Number);
  if (sizes.length < 1 || sizes.length > 4 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 64)) {
    throw new Error(`hidden layers: expected 1 to 4 comma-separated widths between 1 and 64, got "${text}".`);
  }
  return sizes;
}

function positiveNumber(name: string, text: string): number {
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name}: expected a number > 0, got "${text}".`);
  return v;
}

function positiveInt(name: string, text: string): number {
  const v = positiveNumber(name, text);
  if (!Number.isInteger(v)) throw new Error(`${name}: expected a whole number, got "${text}".`);
  return v;
}

/** The form controls of index.html. */
export interface Controls {
  readonly dataset: HTMLSelectElement;
  readonly hidden: HTMLInputElement;
  readonly lr: HTMLInputElement;
  readonly cost: HTMLSelectElement;
  readonly batchSize: HTMLInputElement;
  readonly seed: HTMLInputElement;
  readonly stepsPerFrame: HTMLInputElement;
}

/** Looks up every control. */
export function findControls(): Controls {
  return {
    dataset: byId('dataset', HTMLSelectElement),
    hidden: byId('hidden', HTMLInputElement),
    lr: byId('lr', HTMLInputElement),
    cost: byId('cost', HTMLSelectElement),
    batchSize: byId('batch-size', HTMLInputElement),
    seed: byId('seed', HTMLInputElement),
    stepsPerFrame: byId('steps-per-frame', HTMLInputElement),
  };
}

/**
 * Fills the controls from the defaults overridden by the query string (?dataset=spirals&hidden=16,16
 * &lr=1&cost=quadratic&batch=20&seed=3&spf=20), so a setup can be shared as a link and the
 * browser test can pin one.
 */
export function fillControls(c: Controls, query: URLSearchParams): void {
  c.dataset.value = query.get('dataset') ?? DEFAULTS.dataset;
  c.hidden.value = query.get('hidden') ?? DEFAULTS.hidden.join(', ');
  c.lr.value = query.get('lr') ?? String(DEFAULTS.lr);
  c.cost.value = query.get('cost') ?? DEFAULTS.cost;
  c.batchSize.value = query.get('batch') ?? String(DEFAULTS.batchSize);
  c.seed.value = query.get('seed') ?? String(DEFAULTS.seed);
  c.stepsPerFrame.value = query.get('spf') ?? '10';
}

/** Reads and validates the controls; throws an Error whose message is fit to show the user. */
export function readSettings(c: Controls): TrainerSettings {
  const dataset = c.dataset.value;
  if (dataset !== 'circles' && dataset !== 'spirals') throw new Error(`dataset: unknown "${dataset}".`);
  const cost = c.cost.value;
  if (cost !== 'quadratic' && cost !== 'cross-entropy') throw new Error(`cost: unknown "${cost}".`);
  const seed = Number(c.seed.value);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`seed: expected a whole number ≥ 0, got "${c.seed.value}".`);
  return {
    dataset,
    cost,
    seed,
    hidden: parseHidden(c.hidden.value),
    lr: positiveNumber('learning rate', c.lr.value),
    batchSize: positiveInt('batch size', c.batchSize.value),
  };
}

/** Steps per animation frame, clamped to 1–200 so a typo cannot freeze the tab. */
export function readStepsPerFrame(c: Controls): number {
  const v = Math.round(Number(c.stepsPerFrame.value));
  return Number.isFinite(v) ? Math.min(200, Math.max(1, v)) : 10;
}
