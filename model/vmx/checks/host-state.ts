// VM-entry checks: see the catalogue (spec/data/entry-checks/host-state.json) for each id's SDM statement.
import type { CheckTable } from './context.js';

export const HOST_STATE_CHECKS: CheckTable = {};
