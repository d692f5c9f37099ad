// EPT (SDM 29.3): the context VM entry establishes, the walk, its VM exits, the PDPTEs under EPT.
export * from './context.js';
export * from './translate.js';
export * from './exits.js';
export * from './pdptes.js';
export * from './tlb.js';
