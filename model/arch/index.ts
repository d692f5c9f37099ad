// The architectural catalogues as the model and the CLI use them: look-ups and decoding.
export * from './catalogue.js';
export * from './decode.js';
export * from './numbers.js';
