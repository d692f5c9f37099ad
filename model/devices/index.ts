export * from './debug-console.js';
export * from './shutdown-port.js';
