/**
 * `@tapegrad/nn`: modules, sigmoid MLPs, costs, optimisers and training loops on top of
 * `@tapegrad/autograd`, plus the seeds' closed-form backpropagation (BP1–BP4) and a layer-by-layer
 * comparison of it against the tape.
 * @packageDocumentation
 */
export { SerializationError, StateDictError } from './errors.js';
export { Parameter } from './parameter.js';
export { Module, type StateDict, type LoadStateDictOptions } from './module.js';
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
export { Sequential } from './layers/sequential.js';
export {
  MLP,
  mlp,
  denseLayers,
  forwardCache,
  type MlpOptions,
  type DenseLayer,
  type ForwardCache,
} from './layers/mlp.js';
export * from './losses/index.js';
export { l2Divisor, l2Penalty, l2Gradient, regularizedWeights } from './regularization.js';
export { Optimizer } from './optim/optimizer.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { closedFormBackprop, type BackpropOptions, type ClosedFormResult } from './backprop/closed-form.js';
export {
  compareBackprop,
  tapeBackprop,
  discrepancy,
  type CompareOptions,
  type BackpropComparison,
  type LayerComparison,
  type QuantityComparison,
  type Discrepancy,
  type TapeResult,
} from './backprop/compare.js';
export { finiteDifferenceBackprop, type FiniteDifferenceResult } from './backprop/finite-differences.js';
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
export { fit, type FitOptions, type LabelledData, type History, type BatchInfo, type EpochInfo } from './train.js';
export { stateDictToJSON, stateDictFromJSON, type StateDictJSON, type TensorJSON } from './serialize/json.js';
export { stateDictToSafetensors, stateDictFromSafetensors, type SafetensorsContents } from './serialize/safetensors.js';
export { functionalCall, perSampleGradients, type ParameterDict, type PerSampleOptions } from './functional.js';
