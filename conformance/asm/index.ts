// The assembler for test programs and firmware images: the public face of conformance/asm.
// See README.md in this folder for the API and the conventions.
export { Assembler, INSTRUCTION_METHODS, RENAMED_METHODS, STRING_METHODS } from './assembler.js';
export type { AssembledProgram, Bitness, InstructionMethods, StringOptions } from './assembler.js';
export { AsmError } from './errors.js';
export { disassemble } from './listing.js';
export { addr, byte, dword, Expr, FarPtr, fword, Mem, mem, MEM_SIZE_BYTES, oword, qword, tword, word } from './operands.js';
export type { MemSizeName, MemSpec, Operand, Scale, Value } from './operands.js';
export * from './registers.js';
export {
  BOOT_DEFAULTS,
  BOOT_NO_VECTOR,
  BOOT_REPORT,
  BOOT_SELECTORS,
  BOOT_STATUS,
  bootGdt,
  bootMemoryMap,
  buildBootImage,
  buildBootRom,
  DONE_LINE,
  EXCEPTION_LINE,
  interruptGate64,
  segmentDescriptor,
  tssDescriptor64,
  VECTORS_WITH_ERROR_CODE,
} from './boot.js';
export type { BootHandler, BootImage, BootMemoryMap, BootRomOptions } from './boot.js';
