export * from './io.js';
export * from './machine.js';
export * from './memory.js';
export * from './rom.js';
export * from './loader.js';
