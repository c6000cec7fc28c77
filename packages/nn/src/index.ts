/** Placeholder until the nn package lands. */
export const placeholder = true;
