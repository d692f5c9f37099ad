#!/usr/bin/env node
// vmxsim: the command line. It only wires the layers together.
import { conformMain, run } from './run.js';

const argv = process.argv.slice(2);
const result = argv[0] === 'conform' ? await conformMain(argv.slice(1)) : run(argv);
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
