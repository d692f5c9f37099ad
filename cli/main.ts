#!/usr/bin/env node
// vmxsim: the command line. It only wires the layers together.
import { run } from './run.js';

const result = run(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
