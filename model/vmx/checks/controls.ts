// VM-entry checks: see the catalogue (spec/data/entry-checks/controls.json) for each id's SDM statement.
import type { CheckTable } from './context.js';

export const CONTROL_CHECKS: CheckTable = {};
