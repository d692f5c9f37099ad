// VM-entry checks: see the catalogue (spec/data/entry-checks/guest-state.json) for each id's SDM statement.
import type { CheckTable } from './context.js';

export const GUEST_STATE_CHECKS: CheckTable = {};
