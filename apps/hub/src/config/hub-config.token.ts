/** Injection token of the hub's frozen {@link Config}. */
export const HUB_CONFIG = Symbol('HUB_CONFIG');
