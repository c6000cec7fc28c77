/**
 * Error classes specific to `@tapegrad/nn`. Shape, dtype and argument problems reuse
 * autograd's classes so that one `catch (e instanceof TapegradError)` covers both packages.
 * @packageDocumentation
 */
import { TapegradError, brandClass } from '@tapegrad/autograd';

/** A saved state (JSON or safetensors) that is malformed, truncated or inconsistent. */
export class SerializationError extends TapegradError {}

/** A state dict whose names do not match the module it is loaded into. */
export class StateDictError extends TapegradError {}

// One identity per process for each class, whichever build (ESM or CJS) threw the error.
brandClass(SerializationError, 'nn.SerializationError');
brandClass(StateDictError, 'nn.StateDictError');
