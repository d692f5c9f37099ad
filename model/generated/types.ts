// generated — do not edit. Produced by `npm run gen` (spec/codegen) from spec/schemas and spec/data.
/* eslint-disable */

/**
 * Constant name (e.g. TPR, ICR_LOW).
 */
export type ConstId = string;
/**
 * The register's bit layout, when spec/data/layouts has one.
 */
export type LayoutId = string;
/**
 * Where the register is defined.
 */
export type SdmRef = string;
/**
 * MSR address.
 */
export type Hex = string;
/**
 * A capability that makes something exist or apply: a control whose 1-setting the processor supports, or a non-zero field of a VMX capability MSR.
 */
export type Condition =
  | {
      control: ControlRef;
    }
  | {
      msr: ConstId;
      field: CamelId;
    };
/**
 * The control whose 1-setting is required.
 */
export type ControlRef = string;
/**
 * The id of a field of that MSR's layout.
 */
export type CamelId = string;
/**
 * One step of a case.
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "step".
 */
export type CaseStep = FieldStep | EntryStep | HostStep;
/**
 * The outcome the SDM prescribes.
 */
export type CaseOutcome =
  | {
      /**
       * The operation succeeds.
       */
      kind: 'vmsucceed';
      value?: Hex;
    }
  | {
      /**
       * CF = 1.
       */
      kind: 'vmfail-invalid';
    }
  | {
      /**
       * ZF = 1, error in the VM-instruction error field.
       */
      kind: 'vmfail-valid';
      /**
       * The error number.
       */
      error: number;
    };
/**
 * The outcome the SDM prescribes.
 */
export type EntryOutcome =
  | CaseOutcome1
  | {
      /**
       * A VM exit.
       */
      kind: 'vm-exit';
      /**
       * The basic exit reason (Appendix C).
       */
      exitReason: number;
      /**
       * VMCS fields the exit must have written, by field id.
       */
      fields?: {
        [k: string]: Hex;
      };
      /**
       * Bits of expected fields the SDM leaves undefined for this exit (e.g. instruction-information bits outside the layout, 28.2.5): they are not compared. By field id; each field must also be in 'fields'.
       */
      ignoreBits?: {
        [k: string]: Hex;
      };
      /**
       * Physical memory as it must be after the VM exit (e.g. EPT accessed/dirty flags, a page-modification log entry, the data a guest write left).
       *
       * Items: Bytes expected at an address, in address order.
       */
      memory?: {
        address: Hex;
        /**
         * The bytes, in hex.
         */
        bytes: string;
      }[];
    }
  | {
      /**
       * A VM-entry failure.
       */
      kind: 'entry-failure';
      /**
       * 33 invalid guest state, 34 MSR loading, 41 machine-check event (SDM 27.8, 27.9).
       */
      exitReason: 33 | 34 | 41;
      qualification?: Hex;
      /**
       * The VM-entry check id (spec/data/entry-checks) the case violates.
       */
      check?: string;
    }
  | {
      /**
       * A VMX abort.
       */
      kind: 'vmx-abort';
      /**
       * The VMX-abort indicator: 1 saving guest MSRs failed, 2 host PDPTE checking failed, 3 the current VMCS is corrupt, 4 loading host MSRs failed, 5 machine-check event during the VM exit, 6 IA-32e mode before the exit with "host address-space size" 0.
       */
      indicator: number;
      /**
       * The basic reason of the VM exit that aborted (not visible architecturally: the VMCS data are suspect after an abort, 28.7; documents the case only).
       */
      exitReason?: number;
    };
/**
 * An instruction outcome (SDM 31.2).
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "outcome".
 */
export type CaseOutcome1 =
  | {
      /**
       * The operation succeeds.
       */
      kind: 'vmsucceed';
      value?: Hex;
    }
  | {
      /**
       * CF = 1.
       */
      kind: 'vmfail-invalid';
    }
  | {
      /**
       * ZF = 1, error in the VM-instruction error field.
       */
      kind: 'vmfail-valid';
      /**
       * The error number.
       */
      error: number;
    };
/**
 * An instruction outcome (SDM 31.2).
 */
export type CaseOutcome2 =
  | {
      /**
       * The operation succeeds.
       */
      kind: 'vmsucceed';
      value?: Hex;
    }
  | {
      /**
       * CF = 1.
       */
      kind: 'vmfail-invalid';
    }
  | {
      /**
       * ZF = 1, error in the VM-instruction error field.
       */
      kind: 'vmfail-valid';
      /**
       * The error number.
       */
      error: number;
    };
/**
 * What a VM entry leads to (SDM 27, 28).
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "entryOutcome".
 */
export type EntryOutcome1 =
  | CaseOutcome1
  | {
      /**
       * A VM exit.
       */
      kind: 'vm-exit';
      /**
       * The basic exit reason (Appendix C).
       */
      exitReason: number;
      /**
       * VMCS fields the exit must have written, by field id.
       */
      fields?: {
        [k: string]: Hex;
      };
      /**
       * Bits of expected fields the SDM leaves undefined for this exit (e.g. instruction-information bits outside the layout, 28.2.5): they are not compared. By field id; each field must also be in 'fields'.
       */
      ignoreBits?: {
        [k: string]: Hex;
      };
      /**
       * Physical memory as it must be after the VM exit (e.g. EPT accessed/dirty flags, a page-modification log entry, the data a guest write left).
       *
       * Items: Bytes expected at an address, in address order.
       */
      memory?: {
        address: Hex;
        /**
         * The bytes, in hex.
         */
        bytes: string;
      }[];
    }
  | {
      /**
       * A VM-entry failure.
       */
      kind: 'entry-failure';
      /**
       * 33 invalid guest state, 34 MSR loading, 41 machine-check event (SDM 27.8, 27.9).
       */
      exitReason: 33 | 34 | 41;
      qualification?: Hex;
      /**
       * The VM-entry check id (spec/data/entry-checks) the case violates.
       */
      check?: string;
    }
  | {
      /**
       * A VMX abort.
       */
      kind: 'vmx-abort';
      /**
       * The VMX-abort indicator: 1 saving guest MSRs failed, 2 host PDPTE checking failed, 3 the current VMCS is corrupt, 4 loading host MSRs failed, 5 machine-check event during the VM exit, 6 IA-32e mode before the exit with "host address-space size" 0.
       */
      indicator: number;
      /**
       * The basic reason of the VM exit that aborted (not visible architecturally: the VMCS data are suspect after an abort, 28.7; documents the case only).
       */
      exitReason?: number;
    };
/**
 * Mnemonic.
 */
export type MemoryTypeId = 'UC' | 'WC' | 'WT' | 'WP' | 'WB' | 'UC-';

/**
 * Every shape of the vmxsim spec data.
 */
export interface VmxsimSpec {
  'apic-register'?: ApicRegisterCatalogue;
  'capability-msr'?: CapabilityMsrCatalogue;
  'conformance-case'?: ConformanceCase;
  'control-group'?: ControlGroup;
  'cpu-profile'?: CpuProfile;
  'exit-reason'?: ExitReasonCatalogue;
  layout?: LayoutCatalogue;
  'memory-type'?: MemoryTypeCatalogue;
  'vm-entry-check'?: VmEntryCheckCatalogue;
  'vm-instruction-error'?: VmInstructionErrorCatalogue;
  'vmcs-field'?: VmcsFieldCatalogue;
}
/**
 * The local APIC's registers (SDM Vol. 3A 11.4.1 Table 11-1 for xAPIC MMIO offsets, 11.12.1.2 Table 11-6 for x2APIC MSRs) and how APIC virtualization treats them (SDM Vol. 3C 30.4, 30.5).
 */
export interface ApicRegisterCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The registers in offset order; an array register (ISR, TMR, IRR) is one entry with a count.
   */
  registers: ApicRegister[];
}
/**
 * One local-APIC register (or an array of 32-bit registers 10H apart).
 *
 * This interface was referenced by `ApicRegisterCatalogue`'s JSON-Schema
 * via the `definition` "register".
 */
export interface ApicRegister {
  id: ConstId;
  /**
   * The register's name as the SDM writes it.
   */
  name: string;
  /**
   * Offset in the 4-KByte xAPIC register page (SDM Vol. 3A Table 11-1), also the offset on the virtual-APIC page (SDM 30.1).
   */
  offset: number;
  /**
   * Number of consecutive 32-bit registers 10H apart (8 for ISR, TMR, IRR); default 1.
   */
  count?: number;
  /**
   * Access in xAPIC mode (Table 11-1); none: not an xAPIC register.
   */
  xapic: 'read-write' | 'read-only' | 'write-only' | 'none';
  /**
   * Access through its MSR (800H + offset / 10H) in x2APIC mode (Table 11-6); none: no such MSR (e.g. DFR, ICR high half).
   */
  x2apic: 'read-write' | 'read-only' | 'write-only' | 'none';
  /**
   * With "APIC-register virtualization" 1, a read of this offset returns the virtual-APIC page's value instead of an APIC-access VM exit (SDM 30.4.2).
   */
  virtualizedRead: boolean;
  /**
   * With "virtualize x2APIC mode" and "APIC-register virtualization" 1, RDMSR of this register's MSR reads the virtual-APIC page (SDM 30.5).
   */
  virtualizedMsrRead: boolean;
  layout?: LayoutId;
  sdm: SdmRef;
}
/**
 * The VMX capability MSRs of SDM Vol. 3C Appendix A (and IA32_FEATURE_CONTROL).
 */
export interface CapabilityMsrCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The MSRs in address order.
   */
  msrs: CapabilityMsr[];
}
/**
 * One MSR and how to read its value.
 *
 * This interface was referenced by `CapabilityMsrCatalogue`'s JSON-Schema
 * via the `definition` "msr".
 */
export interface CapabilityMsr {
  id: ConstId;
  address: Hex;
  /**
   * layout: bit fields (see layout); allowed-0-and-1: bits 31:0 allowed 0-settings, bits 63:32 allowed 1-settings (A.3); allowed-1: a 64-bit allowed-1 mask; fixed-0/fixed-1: CR0/CR4 fixed bits (A.7, A.8).
   */
  kind: 'layout' | 'allowed-0-and-1' | 'allowed-1' | 'fixed-0' | 'fixed-1';
  layout?: LayoutId;
  /**
   * The control group whose settings it reports.
   */
  controls?: 'pin' | 'proc' | 'proc2' | 'proc3' | 'exit' | 'exit2' | 'entry' | 'vmfunc';
  /**
   * The control register, for fixed-0/fixed-1.
   */
  register?: 'CR0' | 'CR4';
  /**
   * The MSR exists when any of these holds; absent means it exists whenever VMX does.
   */
  existsWhen?: Condition[];
  sdm: SdmRef;
  /**
   * What it reports, in a sentence.
   */
  description: string;
}
/**
 * One conformance case: a setup as changes to the canonical configuration, a sequence of VMX operations, and the outcome the SDM prescribes for each.
 */
export interface ConformanceCase {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * Unique case id, dotted (area first).
   */
  id: string;
  /**
   * What the case shows, in a sentence.
   */
  title: string;
  /**
   * The SDM sections that define the expected outcome.
   *
   * @minItems 1
   */
  sdm: [SdmRef, ...SdmRef[]];
  /**
   * Free tags for --tag selection.
   */
  tags?: string[];
  /**
   * Capabilities the profile must have; without them the case is unsupported.
   */
  requires?: Condition[];
  /**
   * Capabilities the profile must NOT have (e.g. IA32_VMX_MISC bit 29 for error 13); with any of them the case is unsupported.
   */
  excludes?: Condition[];
  /**
   * The processor the case needs, when the profile under test is not it: a named built-in profile replaces the profile under test, and capability-MSR bits, model extensions and model-dependent CPUID flags are then toggled on top, and implementation choices (the profile's 'implementation', SDM-allowed) replaced property by property (the result must still be a processor Appendix A allows; otherwise the case fails with the reason). 'requires' and 'excludes' are evaluated against the result. Use it for behaviour no built-in profile offers (e.g. a model extension) or that must hold whatever the profile under test.
   */
  profile?: {
    /**
     * Id of the built-in profile (spec/data/profiles) the case runs on instead of the profile under test.
     */
    name?: string;
    /**
     * Bits of capability MSRs (and IA32_FEATURE_CONTROL) to set or clear, by MSR id; an MSR the profile lacks starts at 0.
     */
    msrs?: {
      /**
       * Bits of one MSR.
       */
      [k: string]: {
        set?: Hex;
        clear?: Hex;
      };
    };
    /**
     * Model extensions (NOT in the SDM) turned on or off.
     */
    extensions?: {
      /**
       * The privilege-level-exiting model extension.
       */
      privilegeLevelExiting?: boolean;
    };
    /**
     * Model-dependent CPUID feature flags (cpu-profile cpuid.features) to add or remove, for instructions no built-in profile has.
     */
    cpuid?: {
      /**
       * Flags the variant reports.
       *
       * Items: A CPUID feature flag that depends on the processor model rather than on what vmxsim implements, so a profile lists it when the part has it (SDM Vol. 2 CPUID, Table 3-8): USER_MSR = CPUID.(EAX=07H,ECX=1):EDX[15] (URDMSR, UWRMSR, IA32_USER_MSR_CTL), MSR_IMM = CPUID.(EAX=07H,ECX=1):ECX[5] (the immediate forms of RDMSR and WRMSRNS), ENQCMD = CPUID.(EAX=07H,ECX=0):ECX[29] (ENQCMD, ENQCMDS, IA32_PASID), XSAVES = CPUID.(EAX=0DH,ECX=1):EAX[3] (XSAVES, XRSTORS, IA32_XSS).
       */
      set?: ('USER_MSR' | 'MSR_IMM' | 'ENQCMD' | 'XSAVES')[];
      /**
       * Flags the variant does not report.
       *
       * Items: A CPUID feature flag that depends on the processor model rather than on what vmxsim implements, so a profile lists it when the part has it (SDM Vol. 2 CPUID, Table 3-8): USER_MSR = CPUID.(EAX=07H,ECX=1):EDX[15] (URDMSR, UWRMSR, IA32_USER_MSR_CTL), MSR_IMM = CPUID.(EAX=07H,ECX=1):ECX[5] (the immediate forms of RDMSR and WRMSRNS), ENQCMD = CPUID.(EAX=07H,ECX=0):ECX[29] (ENQCMD, ENQCMDS, IA32_PASID), XSAVES = CPUID.(EAX=0DH,ECX=1):EAX[3] (XSAVES, XRSTORS, IA32_XSS).
       */
      clear?: ('USER_MSR' | 'MSR_IMM' | 'ENQCMD' | 'XSAVES')[];
    };
    implementation?: ProfileImplementation;
  };
  /**
   * Changes to the canonical configuration (conformance/baseline.ts) before the steps run.
   */
  setup?: {
    /**
     * VMCS field values by field id, written directly.
     */
    fields?: {
      [k: string]: Hex;
    };
    /**
     * Bits to set or clear in the canonical value of a VMCS field, by field id (for values that depend on the profile, e.g. the fixed bits of CR0/CR4); applied after 'fields'.
     */
    bits?: {
      /**
       * Bits of one field.
       */
      [k: string]: {
        set?: Hex;
        clear?: Hex;
      };
    };
    /**
     * Controls to set or clear on top of the canonical configuration (the profile must allow them; list them in requires).
     */
    controls?: {
      /**
       * Controls set to 1.
       */
      set?: ControlRef[];
      /**
       * Controls cleared to 0.
       */
      clear?: ControlRef[];
    };
    /**
     * Physical memory written after the VMCS changes (structures the VM-entry checks read: MSR-load areas, PDPTEs, the VMCS link pointer's region, the virtual-APIC page).
     */
    memory?: (
      | {
          address: Hex;
          /**
           * The bytes, in hex.
           */
          bytes: string;
        }
      | {
          address: Hex;
          /**
           * Bit 31 clear (ordinary VMCS) or set (shadow VMCS).
           */
          revisionId: 'ordinary' | 'shadow';
        }
    )[];
    /**
     * EPT structures the runner builds before the steps (SDM 29.3.2): an identity map of the first 16 MiB of guest-physical memory at 0xA00000 (PML5 at 0xA00000 when 5-level, PML4 at 0xA01000, PDPT at 0xA02000, PD at 0xA03000, page tables from 0xA04000), every entry read/write/execute, leaves with memory type WB, and EPT_POINTER pointing at it. The case still sets proc.ACTIVATE_SECONDARY_CONTROLS and proc2.ENABLE_EPT itself (and lists them in requires).
     */
    ept?: {
      /**
       * EPT page-walk length (EPTP bits 5:3 plus 1); 4 unless given.
       */
      levels?: 4 | 5;
      /**
       * Sets EPTP bit 6 (accessed and dirty flags for EPT, SDM 29.3.5).
       */
      accessedDirty?: boolean;
      /**
       * Size of the pages the identity map uses (4k unless given): 2m makes the PDEs map 2-MByte pages, 1g makes the first PDPTE map a 1-GByte page.
       */
      pageSize?: '4k' | '2m' | '1g';
      /**
       * Changes to entries of the identity map, applied in order after it is built.
       *
       * Items: One EPT paging-structure entry, found by the guest-physical address it translates and its level.
       */
      entries?: {
        gpa: Hex;
        /**
         * Which entry of that translation.
         */
        level: 'pml5e' | 'pml4e' | 'pdpte' | 'pde' | 'pte';
        value?: Hex;
        set?: Hex;
        clear?: Hex;
      }[];
    };
    /**
     * The mode the host runs VMLAUNCH/VMRESUME in: 64-bit mode (IA-32e mode, the default) or 32-bit protected mode with 32-bit paging, outside IA-32e mode (IA32_EFER.LMA = 0), which the checks of SDM 27.2.4 depend on. Host programs ('host' steps) need the 64-bit host.
     */
    hostMode?: '64-bit' | '32-bit';
    /**
     * System-management mode and the dual-monitor treatment of SMIs and SMM before the steps (SDM 33.15; conformance/harness/smm.ts). The runner writes an MSEG header at 70000H (the processor's MSEG revision identifier, features 1 = IA-32e mode SMM, CS selector 08H, GDTR, CR3 and RSP at the canonical host's values, RIP at a HLT in the host-code area) and, as SMM code would (33.15.5), sets IA32_SMM_MONITOR_CTL to 70001H. Cases that use it require IA32_VMX_BASIC dualMonitorTreatment.
     */
    smm?: {
      /**
       * enabled: only the above; the steps run as the executive monitor before activation. stm: then the executive monitor's VMCALL activates the dual-monitor treatment with the canonical VMCS as SMM-transfer VMCS (33.15.6), the STM writes the canonical configuration back into it (the executive-VMCS pointer keeps the VMXON pointer) and the steps run as the STM: in SMM, in VMX root operation, that VMCS current; 'setup' changes apply to it. executive: the activation uses a second VMCS at 60000H (the canonical configuration) as SMM-transfer VMCS and the STM returns from SMM to the executive monitor (VMLAUNCH with the executive-VMCS pointer = VMXON pointer and the VMCS-link pointer = the canonical VMCS, 33.15.4.7); the steps run as the executive monitor outside SMM with the canonical VMCS current, and an SMM VM exit leaves the SMM-transfer VMCS current.
       */
      dualMonitor: 'enabled' | 'stm' | 'executive';
      msegRevisionId?: Hex;
      msegFeatures?: Hex;
    };
  };
  /**
   * The guest program, placed at the canonical guest RIP (64-bit code).
   */
  guest?: {
    /**
     * The program's bytes, in hex.
     */
    code: string;
    /**
     * The program as people read it (Intel syntax), one instruction per line.
     */
    disassembly: string[];
  };
  /**
   * VMX operations in order, each with its expected outcome.
   *
   * @minItems 1
   */
  steps: [CaseStep, ...CaseStep[]];
  /**
   * Local APICs and logical processors for the case (SDM Vol. 3A chapter 11, Vol. 3C chapter 30): set up before the steps; what the APIC must show after them.
   */
  apic?: {
    /**
     * Logical processors (default 1). Processor 0 runs the steps; the others run their programs, interleaved by a fixed instruction quantum.
     */
    processors?: number;
    /**
     * Instructions per turn in the interleave (default 1000).
     */
    quantum?: number;
    /**
     * Processor 0's local APIC is switched to x2APIC mode before the steps (IA32_APIC_BASE EN and EXTD, SDM Vol. 3A 11.12.1).
     */
    x2apic?: boolean;
    /**
     * Writes to processor 0's local APIC registers before the steps, in order (the APIC timer is armed at the clock value of these writes).
     */
    registers?: {
      register: ConstId;
      value: Hex;
    }[];
    tscDeadline?: Hex;
    /**
     * Fixed interrupts pending in processor 0's IRR before the steps (they arrived while it could not take them).
     */
    requests?: number[];
    /**
     * Programs for processors 1 and up: 64-bit code run at CPL 0 in the host's paging and segments, each at its own address, ending in HLT.
     */
    programs?: {
      /**
       * The processor that runs it.
       */
      processor: number;
      /**
       * The program's bytes, in hex.
       */
      code: string;
      /**
       * The program as people read it (Intel syntax).
       */
      disassembly: string[];
    }[];
    /**
     * What the APICs show after the steps.
     */
    expect?: {
      /**
       * The routing decisions for interrupt requests and virtual-APIC operations after setup, in order (an interrupt accepted into an IRR is not listed).
       */
      paths?: {
        /**
         * The processor (default 0).
         */
        processor?: number;
        /**
         * The vector (an APIC-page offset for APIC-access and APIC-write exits; -1 for a notification with an empty PIR).
         */
        vector: number;
        /**
         * What happened to the request.
         */
        path:
          | 'delivered'
          | 'illegal-vector'
          | 'masked'
          | 'nmi'
          | 'init'
          | 'startup'
          | 'external-interrupt-exit'
          | 'posted'
          | 'posted-exit'
          | 'virtual-delivered'
          | 'virtual-eoi'
          | 'eoi-exit'
          | 'tpr-threshold-exit'
          | 'self-ipi-virtualized'
          | 'ipi-virtualized'
          | 'apic-access-exit'
          | 'apic-write-exit';
      }[];
      /**
       * Processor 0's APIC timer first expired exactly this many cycles of the model clock after it was armed.
       */
      timerExpiryAfter?: number;
      /**
       * Vectors set in processor 0's IRR after the steps (exactly these).
       */
      irr?: number[];
      /**
       * Vectors set in processor 0's ISR after the steps (exactly these).
       */
      isr?: number[];
    };
  };
}
/**
 * Implementation choices the SDM allows (the profile's 'implementation'), replaced property by property.
 */
export interface ProfileImplementation {
  /**
   * MSRs this processor refuses to load from the VM-entry MSR-load area for model-specific reasons even though WRMSR could write them (SDM 27.4: VM entry fails with exit reason 34, check msr-load.model-specific). Default: none.
   */
  msrLoadRefused?: {
    msr: Hex;
    /**
     * Where the part documents it (Vol. 4), or why a variant assumes it.
     */
    why: string;
  }[];
  /**
   * Which of the treatments of SDM 27.9 a machine-check event during VM entry gets. Before any guest state is loaded: handled as if it occurred before the VM entry (#MC through the host IDT, or shutdown with CR4.MCE = 0), or a VM-entry failure (exit reason 41). Once guest state is being loaded the first treatment is excluded; after all guest state is loaded: handled after VM entry completes (#MC in the guest, subject to the exception bitmap, or shutdown with the guest's CR4.MCE = 0), or exit reason 41. Default: before-entry and entry-failure.
   */
  machineCheckDuringVmEntry?: {
    /**
     * While checking controls and host state (27.2).
     */
    beforeGuestState?: 'before-entry' | 'entry-failure';
    /**
     * After guest state and the MSR-load area are loaded, before VM entry completes.
     */
    afterGuestState?: 'after-entry' | 'entry-failure';
  };
  /**
   * Which treatment of SDM 28.8 a machine-check event during a VM exit gets once all host state (and the VM-exit MSR-load area) is loaded: handled after the VM exit completes (the host's CR4.MCE: #MC through the host IDT, or shutdown), or a VMX abort with indicator 5 (28.7). Before host state is loaded the model always aborts (handling it as if before the VM exit is not modelled). Default: vmx-abort.
   */
  machineCheckDuringVmExit?: {
    /**
     * After host state and MSRs are loaded, before the VM exit completes.
     */
    afterHostState?: 'after-exit' | 'vmx-abort';
  };
  /**
   * The "instruction timeout" (notify) VM exit (SDM 26.2, 25.6.25): the exit occurs when the processor goes longer than the instruction-timeout control field's time plus an implementation-specific internal threshold without reaching an instruction boundary. The model measures that time on its own clock (cycles). Default: 1 cycle per unit and no threshold.
   */
  instructionTimeout?: {
    /**
     * Model-clock cycles per unit of the instruction-timeout control field (the processor's crystal-clock period in TSC cycles).
     */
    cyclesPerUnit: number;
    /**
     * The internal threshold added to the window, in model-clock cycles (no part publishes it).
     */
    internalThresholdCycles: number;
  };
}
/**
 * VMREAD or VMWRITE (through the model's API: the same functions the x86 instructions run) and its expected outcome.
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "fieldStep".
 */
export interface FieldStep {
  /**
   * The operation.
   */
  op: 'vmread' | 'vmwrite';
  encoding: Hex;
  value?: Hex;
  /**
   * Processor mode the instruction executes in (operand sizes, SDM 25.11.2).
   */
  mode: '64-bit' | '32-bit';
  expect: CaseOutcome;
}
/**
 * VMLAUNCH or VMRESUME executed by the host at CPL 0 in 64-bit mode, and what follows: an instruction outcome, a VM exit from the guest, or a VM-entry failure.
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "entryStep".
 */
export interface EntryStep {
  /**
   * The instruction.
   */
  op: 'vmlaunch' | 'vmresume';
  /**
   * Physical memory the VMM writes before executing the instruction (e.g. it fixes an EPT entry after an EPT violation), in order.
   *
   * Items: Bytes written at an address, in address order.
   */
  memory?: {
    address: Hex;
    /**
     * The bytes, in hex.
     */
    bytes: string;
  }[];
  expect: EntryOutcome;
  /**
   * Events raised from outside the guest while this entry's guest runs (SDM 26.2): each arrives at the instruction boundary after the given number of guest instructions has retired, and stays pending until the processor takes it as the SDM says.
   */
  stimulus?: Stimulus[];
}
/**
 * One event from outside the processor, delivered to it as its interrupt controller or platform would.
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "stimulus".
 */
export interface Stimulus {
  /**
   * external-interrupt: an interrupt request with a vector from the interrupt controller (Vol. 3A 6.3); nmi: a non-maskable interrupt; init: an INIT signal; sipi: a start-up IPI with a vector (Vol. 3A 9.4, 11.6.1). INIT and SIPI cause VM exits 3 and 4 in VMX non-root operation (SDM 26.2). machine-check: a machine-check event (Vol. 3A 6.15 Interrupt 18: #MC with CR4.MCE = 1, shutdown with CR4.MCE = 0), at an instruction boundary or, with 'during', inside the VM entry (SDM 27.9). smi: a system-management interrupt (SDM 33.15.2 under the dual-monitor treatment: an SMM VM exit with reason 6, or 5 with ioPort).
   */
  event: 'external-interrupt' | 'nmi' | 'init' | 'sipi' | 'machine-check' | 'smi';
  /**
   * machine-check only: the event happens inside this step's VM entry, while it checks the controls and host state (before any guest state is loaded) or after guest state and the MSR-load area are loaded (SDM 27.9), or inside the VM exit that ends this step's guest, before host state is loaded or after host state and MSRs are loaded (SDM 28.8); the profile's implementation.machineCheckDuringVmEntry / machineCheckDuringVmExit picks the treatment. Not with afterInstructions.
   */
  during?:
    | 'vm-entry-before-guest-state'
    | 'vm-entry-after-guest-state'
    | 'vm-exit-before-host-state'
    | 'vm-exit-after-host-state';
  /**
   * The interrupt vector (external-interrupt, at least 16) or the SIPI vector (sipi).
   */
  vector?: number;
  /**
   * smi only: the platform traps this I/O port (as a chipset traps the APM port B2H) and raises the SMI when the guest's next IN or OUT to it retires: an I/O SMI (SDM 33.15.2.3, exit reason 5 with the I/O details).
   */
  ioPort?: number;
  /**
   * Guest instructions that retire before the event arrives; 0 (the default) makes it pending at the first instruction boundary in the guest, as VM entry completes.
   */
  afterInstructions?: number;
}
/**
 * A short x86-64 host program run at CPL 0 in 64-bit mode in VMX root operation (the canonical VMCS current, or whatever earlier steps left), ending in HLT; the outcome of its last VMX instruction is read from RFLAGS (CF, ZF) and the VM-instruction error field (SDM 31.2).
 *
 * This interface was referenced by `ConformanceCase`'s JSON-Schema
 * via the `definition` "hostStep".
 */
export interface HostStep {
  /**
   * A host program.
   */
  op: 'host';
  /**
   * The program's bytes, in hex; the last one is HLT (F4).
   */
  code: string;
  /**
   * The program as people read it (Intel syntax), one instruction per line.
   */
  disassembly: string[];
  expect: CaseOutcome2;
}
/**
 * One VMX control field (pin-based, primary/secondary/tertiary processor-based, VM-exit, secondary VM-exit, VM-entry, VM-function) and every bit of it the SDM defines.
 */
export interface ControlGroup {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * Short group id, used in control references (group.BIT_ID).
   */
  id: 'pin' | 'proc' | 'proc2' | 'proc3' | 'exit' | 'exit2' | 'entry' | 'vmfunc';
  /**
   * The control field's name as the SDM writes it.
   */
  name: string;
  vmcsField: ConstId;
  /**
   * Width of the control field in bits.
   */
  width: 32 | 64;
  capabilityMsr: ConstId;
  trueCapabilityMsr?: ConstId;
  /**
   * Bit positions in the default1 class (Appendix A.2): reported as allowed-0 = 1 by the non-TRUE MSR.
   */
  default1Bits: number[];
  sdm: SdmRef;
  capabilitySdm: SdmRef;
  /**
   * The defined bits, in bit order.
   */
  bits: ControlBit[];
}
/**
 * One defined control bit.
 *
 * This interface was referenced by `ControlGroup`'s JSON-Schema
 * via the `definition` "bit".
 */
export interface ControlBit {
  id: ConstId;
  /**
   * The control's name as the SDM's table writes it.
   */
  name: string;
  /**
   * Bit position.
   */
  bit: number;
  sdm: SdmRef;
  /**
   * What setting the control does, in a sentence.
   */
  description: string;
}
/**
 * A processor the model can be: its VMX capability MSR values, CPUID identity, and the implementation choices the SDM leaves open.
 */
export interface CpuProfile {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * Profile id, used with --profile.
   */
  id: string;
  /**
   * Human-readable name.
   */
  name: string;
  /**
   * What part the profile models and where its values come from.
   */
  description: string;
  /**
   * Id of the built-in profile this one was layered over, if any.
   */
  base?: string;
  /**
   * Processor identity reported by CPUID.
   */
  cpuid: {
    /**
     * Vendor string of leaf 0 (GenuineIntel).
     */
    vendor: string;
    /**
     * Display family.
     */
    family: number;
    /**
     * Display model.
     */
    model: number;
    /**
     * Stepping id.
     */
    stepping: number;
    /**
     * Brand string (leaves 80000002h-80000004h).
     */
    brand?: string;
    /**
     * MAXPHYADDR (leaf 80000008h EAX[7:0]).
     */
    maxPhysicalAddressBits: number;
    /**
     * Linear-address width (leaf 80000008h EAX[15:8]).
     */
    maxLinearAddressBits: 48 | 57;
    /**
     * CPUID feature flags of the part that vmxsim does not derive from the instructions it implements (absent: none).
     *
     * Items: A CPUID feature flag that depends on the processor model rather than on what vmxsim implements, so a profile lists it when the part has it (SDM Vol. 2 CPUID, Table 3-8): USER_MSR = CPUID.(EAX=07H,ECX=1):EDX[15] (URDMSR, UWRMSR, IA32_USER_MSR_CTL), MSR_IMM = CPUID.(EAX=07H,ECX=1):ECX[5] (the immediate forms of RDMSR and WRMSRNS), ENQCMD = CPUID.(EAX=07H,ECX=0):ECX[29] (ENQCMD, ENQCMDS, IA32_PASID), XSAVES = CPUID.(EAX=0DH,ECX=1):EAX[3] (XSAVES, XRSTORS, IA32_XSS).
     */
    features?: ('USER_MSR' | 'MSR_IMM' | 'ENQCMD' | 'XSAVES')[];
  };
  /**
   * Values of the VMX capability MSRs and IA32_FEATURE_CONTROL, keyed by MSR id; an MSR that is absent does not exist on this part.
   */
  msrs: {
    [k: string]: Hex;
  };
  /**
   * Timing parameters of the model's clock.
   */
  timing: {
    /**
     * Nominal TSC frequency; the model's cycles run at this rate.
     */
    tscFrequencyMHz: number;
    /**
     * Default cost of a retired instruction before the pipeline model refines it.
     */
    cyclesPerInstruction: number;
    /**
     * Cost of one paging-structure reference during a walk.
     */
    pageWalkCycles: number;
    /**
     * Cost of posted-interrupt processing for one notification (SDM 30.6: acknowledge, clear ON, PIR to VIRR, RVI, evaluation); 0 when absent. A model estimate.
     */
    postedInterruptCycles?: number;
    /**
     * Cost of one VM entry that gets past the checks of SDM 27.2 (loading guest state, MSR loading, event injection: 27.3-27.7), charged to the clock before the guest's first instruction and before the VMX-preemption timer starts, so the timer counts only VMX non-root time (26.5.1) while the TSC counts the transition; 0 when absent. A model estimate.
     */
    vmEntryCycles?: number;
    /**
     * Cost of one VM exit (SDM 28: recording exit information, saving guest state, loading host state, the MSR areas), also of the host-state load that ends a VM-entry failure (27.8), charged after the VMX-preemption timer value is saved (28.3.4), so the saved value does not include it; 0 when absent. A model estimate.
     */
    vmExitCycles?: number;
    /**
     * Cost of one virtual-interrupt delivery (SDM 30.2.2: VISR/VIRR/RVI/SVI/VPPR updates) beyond the event's delivery through the guest IDT; 0 when absent. A model estimate.
     */
    virtualInterruptDeliveryCycles?: number;
    /**
     * Extra cycles of one guest memory access under EPT by its effective memory type (SDM 29.3.7.2; Vol. 3A 12.3 describes what each type caches). Cycle-approximate: an uncacheable access goes to memory, a cacheable one is assumed to hit. Absent: no extra cost for any type.
     */
    memoryTypeCycles?: {
      /**
       * Uncacheable: every access goes to memory.
       */
      UC: number;
      /**
       * Write combining: reads are uncached, writes are buffered.
       */
      WC: number;
      /**
       * Write through: reads are cached, writes go to memory as well.
       */
      WT: number;
      /**
       * Write protected: reads are cached, writes go to memory.
       */
      WP: number;
      /**
       * Write back: reads and writes are cached.
       */
      WB: number;
    };
  };
  /**
   * Model extensions that are NOT in the SDM; all are off unless a profile turns them on.
   */
  extensions?: {
    /**
     * Enables the (non-SDM) privilege-level-exiting control and its exit.
     */
    privilegeLevelExiting?: boolean;
  };
  implementation?: ProfileImplementation;
}
/**
 * Every basic exit reason of SDM Vol. 3C Appendix C, and any model extension (marked as such).
 */
export interface ExitReasonCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The basic exit reasons in numeric order.
   */
  reasons: ExitReason[];
}
/**
 * One basic exit reason (bits 15:0 of the exit-reason field).
 *
 * This interface was referenced by `ExitReasonCatalogue`'s JSON-Schema
 * via the `definition` "reason".
 */
export interface ExitReason {
  /**
   * The basic exit reason number.
   */
  number: number;
  id: ConstId;
  /**
   * The name as Appendix C writes it.
   */
  name: string;
  /**
   * True if this reason can be reported with bit 31 set, for a VM-entry failure (SDM 27.8).
   */
  entryFailure: boolean;
  qualification?: LayoutId;
  /**
   * For an exit whose qualification depends on the exception vector (exit reason 0: #DB and #PF, SDM 28.2.1): the layout per vector, keyed by the vector in decimal.
   */
  qualificationByVector?: {
    [k: string]: LayoutId;
  };
  /**
   * Layouts of the VM-exit instruction-information field this exit may save (one per instruction class, SDM 28.2.5).
   */
  instructionInformation?: LayoutId[];
  /**
   * True if the exit saves the VM-exit instruction length (SDM 28.2.5).
   */
  savesInstructionLength?: boolean;
  /**
   * True if the exit may save the guest-linear-address field.
   */
  savesGuestLinearAddress?: boolean;
  /**
   * True if the exit saves the guest-physical-address field.
   */
  savesGuestPhysicalAddress?: boolean;
  /**
   * Capabilities without which this exit cannot occur; absent means always possible.
   */
  existsWhen?: Condition[];
  /**
   * True for a model extension that is NOT in the SDM (numbered outside the SDM's range).
   */
  extension?: boolean;
  sdm: SdmRef;
  /**
   * What causes the exit, in a sentence.
   */
  description: string;
}
/**
 * Bit-field layouts: exit qualifications, information fields, access rights, EPTP and EPT entries, capability MSRs, in-memory structures.
 */
export interface LayoutCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The layouts in this file.
   */
  layouts: Layout[];
}
/**
 * A value made of named bit fields.
 *
 * This interface was referenced by `LayoutCatalogue`'s JSON-Schema
 * via the `definition` "layout".
 */
export interface Layout {
  id: LayoutId;
  /**
   * What the SDM calls the value.
   */
  name: string;
  /**
   * What sort of value this is.
   */
  kind:
    | 'exit-qualification'
    | 'instruction-information'
    | 'vmcs-field-format'
    | 'ept'
    | 'msr'
    | 'memory-structure'
    | 'apic-register';
  /**
   * Width of the value in bits (the first 64 bits of a larger memory structure).
   */
  width: 16 | 32 | 64;
  /**
   * For a word of a larger memory structure: its byte offset within the structure (e.g. 32 for the control word of the posted-interrupt descriptor).
   */
  byteOffset?: number;
  sdm: SdmRef;
  /**
   * The SDM table that defines it (e.g. "Table 28-3").
   */
  table?: string;
  /**
   * What the value is, in a sentence.
   */
  description?: string;
  /**
   * The defined fields, from bit 0 upward. Bits not covered are reserved.
   *
   * @minItems 1
   */
  fields: [BitField, ...BitField[]];
}
/**
 * A field of lsb..msb inclusive. A one-bit field without values is a flag (boolean).
 *
 * This interface was referenced by `LayoutCatalogue`'s JSON-Schema
 * via the `definition` "bitField".
 */
export interface BitField {
  id: CamelId;
  /**
   * The field's name as the SDM writes it.
   */
  name: string;
  /**
   * Lowest bit.
   */
  lsb: number;
  /**
   * Highest bit (equal to lsb for one bit).
   */
  msb: number;
  /**
   * Names of the field's encoded values, keyed by the value in decimal.
   */
  values?: {
    [k: string]: string;
  };
  /**
   * When the SDM defines the field (e.g. "bit 7 is 1"); otherwise it is undefined.
   */
  validWhen?: string;
  /**
   * What the field means.
   */
  description?: string;
}
/**
 * The memory types (SDM Vol. 3A 12.3, 12.12.2 Table 12-10), the encodings the PAT and EPT paging-structure entries accept (SDM 29.3.7), and the table that combines a range memory type (MTRR, or EPT under EPT) with a PAT memory type into the effective memory type (SDM Vol. 3A 12.5.2.2 Table 12-7).
 */
export interface MemoryTypeCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * Every memory type, in encoding order.
   */
  types: MemoryType[];
  /**
   * Table 12-7: one row per (range memory type, PAT memory type) pair; under EPT the EPT memory type takes the place of the MTRR memory type (SDM 29.3.7.2).
   */
  combination: MemoryTypeCombination[];
}
/**
 * One memory type and where its encoding may appear.
 *
 * This interface was referenced by `MemoryTypeCatalogue`'s JSON-Schema
 * via the `definition` "memoryType".
 */
export interface MemoryType {
  id: MemoryTypeId;
  /**
   * The type's name as the SDM writes it.
   */
  name: string;
  /**
   * Value in a PAT entry (Table 12-10) and, where allowed, in bits 5:3 of an EPT entry that maps a page (29.3.7).
   */
  encoding: number;
  /**
   * The encoding is a valid PAT entry (the others raise #GP on WRMSR).
   */
  pat: boolean;
  /**
   * The encoding is a valid EPT memory type (the others are an EPT misconfiguration, 29.3.3.1).
   */
  ept: boolean;
  sdm: SdmRef;
}
/**
 * One row of Table 12-7.
 *
 * This interface was referenced by `MemoryTypeCatalogue`'s JSON-Schema
 * via the `definition` "combination".
 */
export interface MemoryTypeCombination {
  range: MemoryTypeId;
  pat: MemoryTypeId;
  effective: MemoryTypeId;
  /**
   * The table's footnote for this row, if any.
   */
  note?: string;
}
/**
 * VM-entry checks of SDM 27.2 (controls and host state), 27.3 (guest state) and 27.4 (MSR loading), in the order the SDM lists them; a processor evaluates them in this order.
 */
export interface VmEntryCheckCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The checks of this file, in SDM order.
   */
  checks: VmEntryCheck[];
}
/**
 * One condition VM entry checks; violating it makes VM entry fail as 'failure' says.
 *
 * This interface was referenced by `VmEntryCheckCatalogue`'s JSON-Schema
 * via the `definition` "check".
 */
export interface VmEntryCheck {
  /**
   * Stable check id, prefixed by its area (exec, exit, entry, host, guest, msr-load).
   */
  id: string;
  sdm: SdmRef;
  /**
   * The SDM subsection's topic; groups come in SDM order.
   */
  group:
    | 'vm-execution-control-fields'
    | 'vm-exit-control-fields'
    | 'vm-entry-control-fields'
    | 'host-control-registers-and-msrs'
    | 'host-segment-and-descriptor-table-registers'
    | 'host-address-space-size'
    | 'guest-control-registers-debug-registers-and-msrs'
    | 'guest-segment-registers'
    | 'guest-descriptor-table-registers'
    | 'guest-rip-rflags-ssp'
    | 'guest-non-register-state'
    | 'guest-pdptes'
    | 'msr-loading';
  /**
   * Ids of the VMCS fields the check reads.
   */
  fields: ConstId[];
  /**
   * The controls whose settings the check depends on.
   */
  controls?: ControlRef[];
  /**
   * When the check applies, as the SDM says (absent: always).
   */
  when?: string;
  /**
   * The condition that must hold, close to the SDM's words.
   */
  statement: string;
  /**
   * How VM entry fails when the condition does not hold (SDM 27.2, 27.8).
   */
  failure:
    | {
        /**
         * The instruction fails with VMfailValid.
         */
        kind: 'vmfail-valid';
        /**
         * The VM-instruction error number.
         */
        error: 7 | 8 | 26;
      }
    | {
        /**
         * VM entry fails as a VM exit.
         */
        kind: 'entry-failure';
        /**
         * 33: invalid guest state; 34: MSR loading.
         */
        exitReason: 33 | 34;
        /**
         * The exit qualification: a number (0 default, 2 PDPTE loading, 3 NMI injection with blocking by NMI, 4 VMCS link pointer) or 'msr-entry-index' (the 1-based index of the failing MSR-load entry).
         */
        qualification: (0 | 2 | 3 | 4) | 'msr-entry-index';
      };
  /**
   * Set when no conformance case can make this check the first to fail, with why; coverage reports list it as unreachable with this reason instead of uncovered. redundant: wherever the check applies, an earlier check in SDM order fails for the same violation with the same outcome; no-consistent-processor: only a processor Appendix A does not allow would let it fail first; not-modelled: it needs a processor feature the model does not implement.
   */
  noCase?: {
    /**
     * Why no case reaches it (see above).
     */
    kind: 'redundant' | 'no-consistent-processor' | 'not-modelled';
    /**
     * The argument, naming the earlier check(s) or the missing feature.
     */
    why: string;
    /**
     * The sections the argument rests on.
     *
     * @minItems 1
     */
    sdm: [SdmRef, ...SdmRef[]];
  };
}
/**
 * The VM-instruction error numbers of SDM 31.4 (Table 31-1).
 */
export interface VmInstructionErrorCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The error numbers in numeric order.
   */
  errors: VmInstructionError[];
}
/**
 * One VM-instruction error number, stored in the VM-instruction error field by VMfailValid.
 *
 * This interface was referenced by `VmInstructionErrorCatalogue`'s JSON-Schema
 * via the `definition` "error".
 */
export interface VmInstructionError {
  /**
   * The error number.
   */
  number: number;
  id: ConstId;
  /**
   * The description as Table 31-1 writes it.
   */
  name: string;
  /**
   * The instructions that can report this error.
   *
   * @minItems 1
   */
  instructions: [
    (
      | 'VMCALL'
      | 'VMCLEAR'
      | 'VMLAUNCH'
      | 'VMRESUME'
      | 'VMPTRLD'
      | 'VMPTRST'
      | 'VMREAD'
      | 'VMWRITE'
      | 'VMXOFF'
      | 'VMXON'
      | 'INVEPT'
      | 'INVVPID'
    ),
    ...(
      | 'VMCALL'
      | 'VMCLEAR'
      | 'VMLAUNCH'
      | 'VMRESUME'
      | 'VMPTRLD'
      | 'VMPTRST'
      | 'VMREAD'
      | 'VMWRITE'
      | 'VMXOFF'
      | 'VMXON'
      | 'INVEPT'
      | 'INVVPID'
    )[]
  ];
  sdm: SdmRef;
  /**
   * Set when the current SDM's instruction pseudocode can no longer produce this error (Table 31-1 still lists it): coverage reports show it as not produced, with this reason, instead of uncovered.
   */
  notProduced?: {
    /**
     * What the pseudocode does instead, in SDM terms.
     */
    why: string;
    /**
     * The sections that show it.
     *
     * @minItems 1
     */
    sdm: [SdmRef, ...SdmRef[]];
  };
}
/**
 * Every VMCS field of SDM Vol. 3C Appendix B, in the order of its tables, then any model extension (marked as such).
 */
export interface VmcsFieldCatalogue {
  /**
   * Path of this schema, for editors.
   */
  $schema?: string;
  /**
   * The fields; encodings and names are unique.
   *
   * @minItems 1
   */
  fields: [VmcsField, ...VmcsField[]];
}
/**
 * One VMCS field. A 64-bit field is listed once, by its full encoding; its high half is encoding + 1 (SDM 25.11.2).
 *
 * This interface was referenced by `VmcsFieldCatalogue`'s JSON-Schema
 * via the `definition` "field".
 */
export interface VmcsField {
  id: ConstId;
  /**
   * The field's name as Appendix B writes it.
   */
  name: string;
  encoding: Hex;
  /**
   * Field width (SDM 25.11.2, encoding bits 14:13).
   */
  width: '16' | '32' | '64' | 'natural';
  /**
   * Field type (SDM 25.11.2, encoding bits 11:10).
   */
  type: 'control' | 'exit-information' | 'guest-state' | 'host-state';
  /**
   * The index (encoding bits 9:1).
   */
  index: number;
  /**
   * True for the read-only VM-exit information fields (writable only where IA32_VMX_MISC bit 29 says so).
   */
  readOnly: boolean;
  /**
   * The field exists on a processor that supports any of these; absent or empty means it always exists.
   */
  existsWhen?: Condition[];
  layout?: LayoutId;
  sdm: SdmRef;
  /**
   * The Appendix B table that lists the encoding, or "extension" for a model extension (which no table lists).
   */
  table: string;
  /**
   * True for a model extension that is NOT in the SDM: the field exists only on profiles that enable the extension (cpu-profile extensions), and its index is one Appendix B does not use.
   */
  extension?: boolean;
  /**
   * What the field holds, in a sentence.
   */
  description?: string;
}
