// The one error type of the assembler: where (which instruction or directive) and why.

/**
 * A mistake in the program being assembled: an unknown mnemonic or operand form, an undefined or duplicate
 * label, a value that does not fit. `where` names the instruction (`instruction #12 'mov eax, [rbx+0x8]'`)
 * or directive; `reason` says what is wrong.
 */
export class AsmError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${where}: ${reason}`);
    this.name = 'AsmError';
  }
}
