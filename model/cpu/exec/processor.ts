// Processor state instructions: HLT (SDM Vol. 2 HLT; activity state Vol. 3A 9.1, 25.4.2).
import { Mnemonic } from 'iced-x86';
import { Activity } from '../cpu.js';
import { Fault, GP } from '../fault.js';
import { registerBuilder } from '../decode.js';

registerBuilder(Mnemonic.Hlt, () => (cpu) => {
  if (cpu.cpl !== 0) throw new Fault(GP, 0);
  cpu.activity = Activity.Hlt;
  cpu.eventCheck = true;
});
