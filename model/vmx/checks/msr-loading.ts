// VM-entry checks on the MSR-load area (SDM 27.4); see spec/data/entry-checks/msr-loading.json.
import type { MsrCheckTable } from './context.js';

export const MSR_LOAD_CHECKS: MsrCheckTable = {};
