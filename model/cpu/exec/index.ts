// Every instruction group registers its builders when imported; this module imports them all.
import './alu.js';
import './control.js';
import './data.js';
import './io.js';
import './processor.js';
