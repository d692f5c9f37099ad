// Which bits of the VM-exit instruction-information field the SDM leaves undefined for an exit (28.2.5):
// bits outside every field of the exit reason's layout, and fields whose `validWhen` does not hold for the
// value (spec/data/layouts/instruction-information.json). A case must not expect a value there: it lists
// these bits in `ignoreBits` (the suite test enforces it).
import { EXIT_REASONS, type LayoutInfo } from '../model/generated/index.js';
import { layoutById } from '../model/arch/catalogue.js';
import { fieldMask } from '../model/arch/decode.js';

/** What decides the validity conditions that depend on the exit's circumstances. */
export interface InformationContext {
  /** The VM exit is from 64-bit mode. */
  readonly mode64: boolean;
  /** The guest program's disassembly (the exiting instruction is among these lines). */
  readonly instructions: readonly string[];
}

function bitIs(value: number, clause: string): boolean | undefined {
  const m = /^bit (\d+) is ([01])$/.exec(clause.trim());
  return m ? ((value >>> Number(m[1])) & 1) === Number(m[2]) : undefined;
}

/** Whether a field's validity condition holds; throws for a condition this function does not know. */
function holds(condition: string, value: number, ctx: InformationContext): boolean {
  const some = (re: RegExp) => ctx.instructions.some((l) => re.test(l));
  if (condition === 'the VM exit is not from 64-bit mode') return !ctx.mode64;
  if (condition.startsWith('the VM exit is due to OUTS')) return some(/\bouts/i);
  if (condition.startsWith('the VM exit is due to RDRAND or RDSEED')) return some(/\brd(rand|seed)\b/i);
  const clauses = condition.split(' and ').map((c) => bitIs(value, c));
  if (clauses.some((c) => c === undefined)) throw new Error(`instruction information: unknown validity condition "${condition}"`);
  return clauses.every(Boolean);
}

/** The instruction-information layout of an exit reason (the first, where Appendix C names several). */
export function informationLayout(reason: number): LayoutInfo | undefined {
  const id = EXIT_REASONS.find((r) => r.number === reason)?.instructionInformation?.[0];
  return id === undefined ? undefined : layoutById(id);
}

/** The undefined bits of `value` as the instruction information of an exit with `reason` (32 bits). */
export function undefinedInformationBits(reason: number, value: number, ctx: InformationContext): number {
  const layout = informationLayout(reason);
  if (layout === undefined) return 0xFFFF_FFFF;
  let defined = 0n;
  for (const f of layout.fields) if (f.validWhen === undefined || holds(f.validWhen, value, ctx)) defined |= fieldMask(f);
  return Number(~defined & 0xFFFF_FFFFn) >>> 0;
}
