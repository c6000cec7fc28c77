/**
 * `@tapegrad/nn`: modules, sigmoid MLPs, costs, optimisers and training loops on top of
 * `@tapegrad/autograd`, plus hand-derived backpropagation for any layer (Nielsen's BP1–BP4 for the
 * dense layer) and a layer-by-layer comparison of it against the tape.
 * @packageDocumentation
 */
export { SerializationError, StateDictError } from './errors.js';
export { Parameter } from './parameter.js';
export {
  Module,
  type StateDict,
  type LoadStateDictOptions,
  type BackpropContext,
  type LayerBackprop,
  type ForwardHook,
  type BackwardHook,
  type HookHandle,
} from './module.js';
export { initLinear, INIT_SCHEMES, type InitScheme, type InitFunction } from './init.js';
export { Linear, type LinearOptions } from './layers/linear.js';
export {
  Activation,
  Sigmoid,
  Tanh,
  ReLU,
  Identity,
  Softmax,
  ACTIVATIONS,
  resolveActivation,
  sigmoidActivation,
  tanhActivation,
  reluActivation,
  identityActivation,
  type ElementwiseActivation,
  type ActivationName,
} from './layers/activations.js';
export { Sequential, type StageRecord } from './layers/sequential.js';
export { Conv2d, MaxPool2d, AvgPool2d, type Conv2dLayerOptions, type Pool2dLayerOptions } from './layers/conv.js';
export { Flatten } from './layers/flatten.js';
export { Dropout, type DropoutOptions } from './layers/dropout.js';
export {
  MLP,
  mlp,
  denseLayers,
  type MlpOptions,
  type DenseLayer,
  type BiasedLinear,
  type HasBias,
} from './layers/mlp.js';
export * from './losses/index.js';
export { l2Divisor, l2Penalty, regularizedWeights } from './regularization.js';
export { objectiveValue, resolveObjective, type Objective, type ObjectiveOptions } from './objective.js';
export {
  Optimizer,
  type Hyperparameters,
  type ParamGroup,
  type ParamGroupInput,
  type Params,
  type ParamState,
} from './optim/optimizer.js';
export { type HyperSpec, type HyperRule, type HyperRange, type HyperValue } from './optim/hyper.js';
export { SGD, type SGDOptions, type SGDHyperparameters } from './optim/sgd.js';
export { Adam, AdamW, type AdamOptions, type AdamHyperparameters } from './optim/adam.js';
export { RMSprop, type RMSpropOptions, type RMSpropHyperparameters } from './optim/rmsprop.js';
export { Adagrad, type AdagradOptions, type AdagradHyperparameters } from './optim/adagrad.js';
export {
  LRScheduler,
  StepLR,
  MultiStepLR,
  ExponentialLR,
  CosineAnnealingLR,
  LinearLR,
  type SchedulerSettings,
  type StepLROptions,
  type MultiStepLROptions,
  type ExponentialLROptions,
  type CosineAnnealingLROptions,
  type LinearLROptions,
} from './optim/scheduler.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './optim/plateau.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './optim/clip.js';
export { type FitExtras, type EarlyStoppingOptions } from './optim/fit-extras.js';
export { type BackpropResult } from './backprop/result.js';
export { closedFormBackprop, perSampleBackprop, type BackpropOptions } from './backprop/closed-form.js';
export { tapeBackprop, type TapeBackpropOptions } from './backprop/tape.js';
export {
  compareBackprop,
  type CompareOptions,
  type BackpropComparison,
  type LayerComparison,
  type QuantityComparison,
} from './backprop/compare.js';
export {
  checkLayer,
  type CheckLayerOptions,
  type LayerCheck,
  type QuantityCheck,
  type WorstQuantity,
} from './backprop/check-layer.js';
export { discrepancy, type Discrepancy, type WorstElement } from './backprop/tolerance.js';
export { formatComparison } from './backprop/format.js';
export {
  takeRows,
  batches,
  batchIndices,
  trainTestSplit,
  type Batch,
  type BatchOptions,
  type Split,
  type SplitOptions,
} from './data.js';
export { accuracy, evaluate, type Evaluation, type EvaluateOptions } from './metrics.js';
export {
  fit,
  trainStep,
  type TrainStepOptions,
  type FitOptions,
  type LabelledData,
  type History,
  type BatchInfo,
  type EpochInfo,
  type DeltaInfo,
  type LayerDeltaStats,
} from './train.js';
export { stateDictToJSON, stateDictFromJSON, type StateDictJSON, type TensorJSON } from './serialize/json.js';
export { mergeStateDicts, splitStateDict } from './serialize/checkpoint.js';
export { stateDictToSafetensors, stateDictFromSafetensors, type SafetensorsContents } from './serialize/safetensors.js';
export { functionalCall, perSampleGradients, type ParameterDict, type PerSampleOptions } from './functional.js';
