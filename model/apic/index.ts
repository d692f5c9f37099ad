// The local APIC and APIC virtualization's public face.
export * from './local-apic.js';
export * from './timer.js';
export * from './bus.js';
export * from './attach.js';
