// The case generators: each walks spec data and produces cases whose expected outcomes follow from
// the SDM's rules as the spec data states them (never from running the model).
import type { ConformanceCase } from '../../model/generated/index.js';
import { entryCheckCases } from './entry-checks.js';
import { eptCases } from './ept.js';
import { eptInstructionCases } from './ept-instructions.js';
import { exitFilterCases } from './exit-filters.js';
import { exitCases } from './exits.js';
import { vmInstructionErrorCases } from './vm-instruction-errors.js';
import { vmcsFieldCases } from './vmcs-fields.js';
import { apicCases } from './apic.js';
import { vmcsShadowingCases } from './vmcs-shadowing.js';
import { stateControlCases } from './state-controls.js';
import { sppCases } from './spp.js';
import { specCtrlCases } from './spec-ctrl.js';
import { unmodelledControlCases } from './unmodelled-controls.js';
import { smmCases } from './smm.js';

export interface Generator {
  readonly name: string;
  generate(): ConformanceCase[];
}

export const GENERATORS: readonly Generator[] = [
  { name: 'vmcs-fields', generate: vmcsFieldCases },
  { name: 'entry-checks', generate: entryCheckCases },
  { name: 'exits', generate: exitCases },
  { name: 'exit-filters', generate: exitFilterCases },
  { name: 'vm-instruction-errors', generate: vmInstructionErrorCases },
  { name: 'ept', generate: eptCases },
  { name: 'ept-instructions', generate: eptInstructionCases },
  { name: 'apic', generate: apicCases },
  { name: 'vmcs-shadowing', generate: vmcsShadowingCases },
  { name: 'state-controls', generate: stateControlCases },
  { name: 'spp', generate: sppCases },
  { name: 'spec-ctrl', generate: specCtrlCases },
  { name: 'unmodelled-controls', generate: unmodelledControlCases },
  { name: 'smm', generate: smmCases },
];
