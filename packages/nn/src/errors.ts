/**
 * Error classes specific to `@tapegrad/nn`. Shape, dtype and argument problems reuse
 * autograd's classes so that one `catch (e instanceof TapegradError)` covers both packages.
 * @packageDocumentation
 */
import { TapegradError } from '@tapegrad/autograd';

/** A saved state (JSON or safetensors) that is malformed, truncated or inconsistent. */
export class SerializationError extends TapegradError {}

/** A state dict whose names do not match the module it is loaded into. */
export class StateDictError extends TapegradError {}
