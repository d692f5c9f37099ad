// CPU profiles: what the modelled processor supports (its VMX capability MSRs), and its identity.
export * from './capabilities.js';
export * from './consistency.js';
export * from './load.js';
