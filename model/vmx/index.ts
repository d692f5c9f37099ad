// VMX operation: capabilities, the VMCS and its access rules.
export * from './capabilities.js';
export * from './vmcs.js';
export * from './operation.js';
