// VM-entry checks on the host-state area (SDM 27.2.2 control registers and MSRs, 27.2.3 segment and
// descriptor-table registers, 27.2.4 address-space size); see the catalogue
// (spec/data/entry-checks/host-state.json) for each id's statement. Any failure here is VMfailValid
// with error 8.
import type { ControlRef, VmcsFieldId } from '../../generated/index.js';
import type { CheckPredicate, CheckTable, EntryContext } from './context.js';
import { controlOn } from './effective-controls.js';
import { CR0_WP, CR4_CET, CR4_FRED, CR4_PAE, CR4_PCIDE, MASK64, isCanonical, physicalAddressBits, supportsIntel64, supportsLam } from './features.js';

/** IA32_EFER bits (SDM Vol. 3A 2.2.1): SCE, LME, LMA, NXE; the modelled processor has no others. */
const EFER_SCE = 1n << 0n, EFER_LME = 1n << 8n, EFER_LMA = 1n << 10n, EFER_NXE = 1n << 11n;
const EFER_DEFINED = EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE;

/**
 * IA32_PERF_GLOBAL_CTRL enables (SDM Vol. 3B 20.2.2): bit i for each general-purpose counter, bit 32+j
 * for each fixed counter. The modelled processor's CPUID leaf 0AH reports 2 general-purpose counters and
 * no fixed counters (model/cpu/exec/cpuid.ts, PMC_COUNT in model/cpu/msr.ts); every other bit is reserved.
 */
const PERF_GLOBAL_CTRL_DEFINED = 0b11n;

/** Memory types IA32_PAT entries may hold (SDM Vol. 3A 12.12.2): UC, WC, WT, WP, WB, UC-. */
const PAT_MEMORY_TYPES: readonly bigint[] = [0n, 1n, 4n, 5n, 6n, 7n];

/** IA32_FRED_CONFIG reserved bits 2, 5:4 and 11 (SDM Vol. 3A FRED, 27.2.2). */
const FRED_CONFIG_RESERVED = (1n << 2n) | (0b11n << 4n) | (1n << 11n);

/** Selector RPL (bits 1:0) and TI (bit 2) (SDM Vol. 3A 3.4.2). */
const SELECTOR_RPL_TI = 0b111n;

const HIGH32 = 0xFFFF_FFFF_0000_0000n;

/** CR3 bits 62:61 enable LAM for user pointers (SDM Vol. 3A 4.4 LAM): not address bits. */
const CR3_LAM_U57 = 1n << 61n, CR3_LAM_U48 = 1n << 62n;

function field(ctx: EntryContext, id: VmcsFieldId): bigint {
  return ctx.vmcs.get(id);
}

/** A condition that applies only when `when` holds: otherwise it does not apply and passes. */
function onlyIf(when: (ctx: EntryContext) => boolean, holds: (ctx: EntryContext) => boolean): CheckPredicate {
  return (ctx) => !when(ctx) || holds(ctx);
}

const intel64 = (ctx: EntryContext): boolean => supportsIntel64(ctx.caps);
const noIntel64 = (ctx: EntryContext): boolean => !supportsIntel64(ctx.caps);
const on = (ref: ControlRef) => (ctx: EntryContext): boolean => controlOn(ctx, ref);
const hostAddressSpaceSize = on('exit.HOST_ADDRESS_SPACE_SIZE');
const loadFred = (ctx: EntryContext): boolean => intel64(ctx) && controlOn(ctx, 'exit2.LOAD_FRED');

/** A field holding an address of the processor's linear-address width (canonical, SDM Vol. 1 3.3.7.1). */
function canonical(id: VmcsFieldId): (ctx: EntryContext) => boolean {
  return (ctx) => isCanonical(ctx.caps, field(ctx, id));
}

/** A CR field sets only bits IA32_VMX_CRn_FIXED1 allows and every bit IA32_VMX_CRn_FIXED0 requires (A.7, A.8). */
function fixedBits(ctx: EntryContext, id: VmcsFieldId, reg: 'CR0' | 'CR4'): boolean {
  const v = field(ctx, id);
  const fixed0 = ctx.caps.msrs.get(`IA32_VMX_${reg}_FIXED0`) ?? 0n;
  const fixed1 = ctx.caps.msrs.get(`IA32_VMX_${reg}_FIXED1`) ?? MASK64;
  return (v & fixed0) === fixed0 && (v & ~fixed1 & MASK64) === 0n;
}

/** RPL and TI of a selector field are 0. */
function selectorRplTiZero(id: VmcsFieldId): CheckPredicate {
  return (ctx) => (field(ctx, id) & SELECTOR_RPL_TI) === 0n;
}

/** Whether the processor is in IA-32e mode (IA32_EFER.LMA) as it executes VMLAUNCH/VMRESUME (SDM 27.2.4). */
function processorIa32eMode(ctx: EntryContext): boolean | undefined {
  return ctx.ia32eMode;
}

export const HOST_STATE_CHECKS: CheckTable = {
  // ---- 27.2.2 Host control registers and MSRs
  // SDM 27.2.2, A.7: the CR0 field honours IA32_VMX_CR0_FIXED0/FIXED1.
  'host.cr0-fixed-bits': (ctx) => fixedBits(ctx, 'HOST_CR0', 'CR0'),
  // SDM 27.2.2, A.8: the CR4 field honours IA32_VMX_CR4_FIXED0/FIXED1.
  'host.cr4-fixed-bits': (ctx) => fixedBits(ctx, 'HOST_CR4', 'CR4'),
  // SDM 27.2.2: CR4.CET needs CR0.WP.
  'host.cr4-cet-requires-cr0-wp': (ctx) => (field(ctx, 'HOST_CR4') & CR4_CET) === 0n || (field(ctx, 'HOST_CR0') & CR0_WP) !== 0n,
  // SDM 27.2.2: CR3 sets no bit at or above MAXPHYADDR, except LAM_U57/LAM_U48 (bits 62:61) with LAM.
  'host.cr3-reserved-bits': onlyIf(intel64, (ctx) => {
    const lam = supportsLam(ctx.caps) ? CR3_LAM_U57 | CR3_LAM_U48 : 0n;
    return (field(ctx, 'HOST_CR3') & ~lam) >> BigInt(physicalAddressBits(ctx.caps)) === 0n;
  }),
  // SDM 27.2.2: IA32_SYSENTER_ESP is canonical.
  'host.ia32-sysenter-esp-canonical': onlyIf(intel64, canonical('HOST_IA32_SYSENTER_ESP')),
  // SDM 27.2.2: IA32_SYSENTER_EIP is canonical.
  'host.ia32-sysenter-eip-canonical': onlyIf(intel64, canonical('HOST_IA32_SYSENTER_EIP')),
  // SDM 27.2.2: with "load CET state", IA32_S_CET is canonical.
  'host.ia32-s-cet-canonical': onlyIf(on('exit.LOAD_CET_STATE'), canonical('HOST_IA32_S_CET')),
  // SDM 27.2.2: with "load CET state", IA32_INTERRUPT_SSP_TABLE_ADDR is canonical.
  'host.ia32-interrupt-ssp-table-addr-canonical': onlyIf(on('exit.LOAD_CET_STATE'), canonical('HOST_IA32_INTERRUPT_SSP_TABLE_ADDR')),
  // SDM 27.2.2: with "load IA32_PERF_GLOBAL_CTRL", the field sets no reserved bit of the MSR.
  'host.ia32-perf-global-ctrl-reserved-bits': onlyIf(on('exit.LOAD_IA32_PERF_GLOBAL_CTRL'),
    (ctx) => (field(ctx, 'HOST_IA32_PERF_GLOBAL_CTRL') & ~PERF_GLOBAL_CTRL_DEFINED) === 0n),
  // SDM 27.2.2: with "load IA32_PAT", each byte of the field is 0, 1, 4, 5, 6 or 7.
  'host.ia32-pat-values': onlyIf(on('exit.LOAD_IA32_PAT'), (ctx) => {
    const pat = field(ctx, 'HOST_IA32_PAT');
    for (let i = 0n; i < 8n; i++) if (!PAT_MEMORY_TYPES.includes((pat >> (8n * i)) & 0xFFn)) return false;
    return true;
  }),
  // SDM 27.2.2: with "load IA32_EFER", the field sets no reserved bit of IA32_EFER.
  'host.ia32-efer-reserved-bits': onlyIf(on('exit.LOAD_IA32_EFER'), (ctx) => (field(ctx, 'HOST_IA32_EFER') & ~EFER_DEFINED) === 0n),
  // SDM 27.2.2: with "load IA32_EFER", LMA equals "host address-space size".
  'host.ia32-efer-lma-matches-address-space-size': onlyIf(on('exit.LOAD_IA32_EFER'),
    (ctx) => ((field(ctx, 'HOST_IA32_EFER') & EFER_LMA) !== 0n) === hostAddressSpaceSize(ctx)),
  // SDM 27.2.2: with "load IA32_EFER", LME equals "host address-space size".
  'host.ia32-efer-lme-matches-address-space-size': onlyIf(on('exit.LOAD_IA32_EFER'),
    (ctx) => ((field(ctx, 'HOST_IA32_EFER') & EFER_LME) !== 0n) === hostAddressSpaceSize(ctx)),
  // SDM 27.2.2: with "load PKRS", bits 63:32 of IA32_PKRS are 0.
  'host.ia32-pkrs-reserved-bits': onlyIf(on('exit.LOAD_PKRS'), (ctx) => (field(ctx, 'HOST_IA32_PKRS') & HIGH32) === 0n),
  // SDM 27.2.2: with "load FRED", IA32_FRED_CONFIG bits 2, 5:4 and 11 are 0.
  'host.ia32-fred-config-reserved-bits': onlyIf(loadFred, (ctx) => (field(ctx, 'HOST_IA32_FRED_CONFIG') & FRED_CONFIG_RESERVED) === 0n),
  // SDM 27.2.2: with "load FRED", the entry-point address in IA32_FRED_CONFIG bits 63:12 is canonical.
  'host.ia32-fred-config-canonical': onlyIf(loadFred, (ctx) => isCanonical(ctx.caps, field(ctx, 'HOST_IA32_FRED_CONFIG') & ~0xFFFn)),
  // SDM 27.2.2: with "load FRED", IA32_FRED_RSP1-3 are 64-byte aligned.
  'host.ia32-fred-rsp-aligned': onlyIf(loadFred, (ctx) =>
    (['HOST_IA32_FRED_RSP1', 'HOST_IA32_FRED_RSP2', 'HOST_IA32_FRED_RSP3'] as const).every((id) => (field(ctx, id) & 0x3Fn) === 0n)),
  // SDM 27.2.2: with "load FRED", IA32_FRED_RSP1-3 are canonical.
  'host.ia32-fred-rsp-canonical': onlyIf(loadFred, (ctx) =>
    (['HOST_IA32_FRED_RSP1', 'HOST_IA32_FRED_RSP2', 'HOST_IA32_FRED_RSP3'] as const).every((id) => canonical(id)(ctx))),
  // SDM 27.2.2: with "load FRED", IA32_FRED_SSP1-3 are 8-byte aligned.
  'host.ia32-fred-ssp-aligned': onlyIf(loadFred, (ctx) =>
    (['HOST_IA32_FRED_SSP1', 'HOST_IA32_FRED_SSP2', 'HOST_IA32_FRED_SSP3'] as const).every((id) => (field(ctx, id) & 0x7n) === 0n)),
  // SDM 27.2.2: with "load FRED", IA32_FRED_SSP1-3 are canonical.
  'host.ia32-fred-ssp-canonical': onlyIf(loadFred, (ctx) =>
    (['HOST_IA32_FRED_SSP1', 'HOST_IA32_FRED_SSP2', 'HOST_IA32_FRED_SSP3'] as const).every((id) => canonical(id)(ctx))),

  // ---- 27.2.3 Host segment and descriptor-table registers
  // SDM 27.2.3: RPL and TI of the CS selector are 0.
  'host.cs-selector-rpl-ti-zero': selectorRplTiZero('HOST_CS_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the SS selector are 0.
  'host.ss-selector-rpl-ti-zero': selectorRplTiZero('HOST_SS_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the DS selector are 0.
  'host.ds-selector-rpl-ti-zero': selectorRplTiZero('HOST_DS_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the ES selector are 0.
  'host.es-selector-rpl-ti-zero': selectorRplTiZero('HOST_ES_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the FS selector are 0.
  'host.fs-selector-rpl-ti-zero': selectorRplTiZero('HOST_FS_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the GS selector are 0.
  'host.gs-selector-rpl-ti-zero': selectorRplTiZero('HOST_GS_SELECTOR'),
  // SDM 27.2.3: RPL and TI of the TR selector are 0.
  'host.tr-selector-rpl-ti-zero': selectorRplTiZero('HOST_TR_SELECTOR'),
  // SDM 27.2.3: the CS selector is not 0000H.
  'host.cs-selector-nonzero': (ctx) => field(ctx, 'HOST_CS_SELECTOR') !== 0n,
  // SDM 27.2.3: the TR selector is not 0000H.
  'host.tr-selector-nonzero': (ctx) => field(ctx, 'HOST_TR_SELECTOR') !== 0n,
  // SDM 27.2.3: with "host address-space size" 0, the SS selector is not 0000H.
  'host.ss-selector-nonzero': onlyIf((ctx) => !hostAddressSpaceSize(ctx), (ctx) => field(ctx, 'HOST_SS_SELECTOR') !== 0n),
  // SDM 27.2.3: the FS base is canonical.
  'host.fs-base-canonical': onlyIf(intel64, canonical('HOST_FS_BASE')),
  // SDM 27.2.3: the GS base is canonical.
  'host.gs-base-canonical': onlyIf(intel64, canonical('HOST_GS_BASE')),
  // SDM 27.2.3: the GDTR base is canonical.
  'host.gdtr-base-canonical': onlyIf(intel64, canonical('HOST_GDTR_BASE')),
  // SDM 27.2.3: the IDTR base is canonical.
  'host.idtr-base-canonical': onlyIf(intel64, canonical('HOST_IDTR_BASE')),
  // SDM 27.2.3: the TR base is canonical.
  'host.tr-base-canonical': onlyIf(intel64, canonical('HOST_TR_BASE')),

  // ---- 27.2.4 Address-space size
  // SDM 27.2.4: outside IA-32e mode, "IA-32e mode guest" is 0.
  'host.outside-ia32e-mode.ia32e-mode-guest-zero': onlyIf((ctx) => intel64(ctx) && processorIa32eMode(ctx) === false,
    (ctx) => !controlOn(ctx, 'entry.IA32E_MODE_GUEST')),
  // SDM 27.2.4: outside IA-32e mode, "host address-space size" is 0.
  'host.outside-ia32e-mode.host-address-space-size-zero': onlyIf((ctx) => intel64(ctx) && processorIa32eMode(ctx) === false,
    (ctx) => !hostAddressSpaceSize(ctx)),
  // SDM 27.2.4: in IA-32e mode, "host address-space size" is 1.
  'host.in-ia32e-mode.host-address-space-size-one': onlyIf((ctx) => intel64(ctx) && processorIa32eMode(ctx) === true,
    hostAddressSpaceSize),
  // SDM 27.2.4: a legacy host ("host address-space size" 0) has "IA-32e mode guest" 0.
  'host.legacy-host.ia32e-mode-guest-zero': onlyIf((ctx) => intel64(ctx) && !hostAddressSpaceSize(ctx),
    (ctx) => !controlOn(ctx, 'entry.IA32E_MODE_GUEST')),
  // SDM 27.2.4: a legacy host has CR4.PCIDE 0 in the CR4 field.
  'host.legacy-host.cr4-pcide-zero': onlyIf((ctx) => intel64(ctx) && !hostAddressSpaceSize(ctx),
    (ctx) => (field(ctx, 'HOST_CR4') & CR4_PCIDE) === 0n),
  // SDM 27.2.4: a legacy host has CR4.FRED 0 in the CR4 field.
  'host.legacy-host.cr4-fred-zero': onlyIf((ctx) => intel64(ctx) && !hostAddressSpaceSize(ctx),
    (ctx) => (field(ctx, 'HOST_CR4') & CR4_FRED) === 0n),
  // SDM 27.2.4: a legacy host has bits 63:32 of the RIP field 0.
  'host.legacy-host.rip-high-bits-zero': onlyIf((ctx) => intel64(ctx) && !hostAddressSpaceSize(ctx),
    (ctx) => (field(ctx, 'HOST_RIP') & HIGH32) === 0n),
  // SDM 27.2.4: a legacy host loading CET state has bits 63:32 of the SSP field 0.
  'host.legacy-host.ssp-high-bits-zero': onlyIf((ctx) => intel64(ctx) && !hostAddressSpaceSize(ctx) && controlOn(ctx, 'exit.LOAD_CET_STATE'),
    (ctx) => (field(ctx, 'HOST_SSP') & HIGH32) === 0n),
  // SDM 27.2.4: a 64-bit host has CR4.PAE 1 in the CR4 field.
  'host.64-bit-host.cr4-pae': onlyIf((ctx) => intel64(ctx) && hostAddressSpaceSize(ctx), (ctx) => (field(ctx, 'HOST_CR4') & CR4_PAE) !== 0n),
  // SDM 27.2.4: a 64-bit host has a canonical RIP.
  'host.64-bit-host.rip-canonical': onlyIf((ctx) => intel64(ctx) && hostAddressSpaceSize(ctx), canonical('HOST_RIP')),
  // SDM 27.2.4: a 64-bit host loading CET state has a canonical SSP.
  'host.64-bit-host.ssp-canonical': onlyIf((ctx) => intel64(ctx) && hostAddressSpaceSize(ctx) && controlOn(ctx, 'exit.LOAD_CET_STATE'),
    canonical('HOST_SSP')),
  // SDM 27.2.4: without Intel 64, "IA-32e mode guest" is 0.
  'host.no-intel64.ia32e-mode-guest-zero': onlyIf(noIntel64, (ctx) => !controlOn(ctx, 'entry.IA32E_MODE_GUEST')),
  // SDM 27.2.4: without Intel 64, "host address-space size" is 0.
  'host.no-intel64.host-address-space-size-zero': onlyIf(noIntel64, (ctx) => !hostAddressSpaceSize(ctx)),
};
