// Physical memory: RAM of a configured size, allocated 4 KiB at a time on first write, so a large
// (up to 52-bit) physical address space costs nothing until touched. Physical addresses are JS
// numbers: every address below 2^52 is exact in a double.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 4096;
const PAGE_MASK = PAGE_SIZE - 1;
/** Pages below 4 GiB are found through an array; higher ones through a map. */
const LOW_PAGES = 1 << 20;

/** A device or ROM that answers physical addresses in [base, base + size). */
export interface MmioRegion {
  readonly base: number;
  readonly size: number;
  readonly name: string;
  read(offset: number, size: 1 | 2 | 4 | 8): number | bigint;
  write(offset: number, size: 1 | 2 | 4 | 8, value: number | bigint): void;
}

const FLAG_CODE = 1, FLAG_PAGING = 2;

/** Called when a write lands in a page holding decoded code (self-modifying code). */
export type CodeWriteListener = (page: number) => void;

export class PhysicalMemory {
  readonly size: number;
  /** RAM pages below 4 GiB by page number, allocated on first write (a packed array: page lookups stay fast). */
  private readonly low: (Uint8Array | undefined)[];
  private readonly high = new Map<number, Uint8Array>();
  private readonly regions: MmioRegion[] = [];
  /**
   * Per-page flags as byte arrays over the RAM pages below 4 GiB (the fast path checks them on every
   * access), and as sets above: a small machine allocates small arrays.
   */
  private readonly flagPages: number;
  /** One byte per page: FLAG_CODE when the page holds cached decoded code, FLAG_PAGING when a page walk read it. */
  private readonly flagsLow: Uint8Array;
  private readonly codeHigh = new Set<number>();
  private readonly pagingHigh = new Set<number>();
  onCodeWrite: CodeWriteListener = () => {};
  /**
   * Bumped by every write to a page a page walk has read (markPagingStructure) and by every MMIO map/unmap:
   * while it is unchanged, the paging structures read so far hold what they held (model/cpu/revalidate.ts).
   */
  pagingGeneration = 0;
  /** One byte per page below 4 GiB: 1 when an MMIO region covers it (regions are page-granular). */
  private readonly mmioLow: Uint8Array;
  private readonly mmioHigh = new Set<number>();

  constructor(size: number) {
    if (!Number.isInteger(size) || size <= 0 || size % PAGE_SIZE !== 0 || size > 2 ** 52) {
      throw new RangeError(`memory size ${size} must be a positive multiple of 4 KiB up to 2^52`);
    }
    this.size = size;
    this.low = new Array<Uint8Array | undefined>(Math.min(LOW_PAGES, size / PAGE_SIZE)).fill(undefined);
    this.flagPages = Math.min(LOW_PAGES, size / PAGE_SIZE);
    this.flagsLow = new Uint8Array(this.flagPages);
    this.mmioLow = new Uint8Array(this.flagPages);
  }

  map(region: MmioRegion): void {
    if (region.base % PAGE_SIZE !== 0 || region.size % PAGE_SIZE !== 0 || region.size <= 0) {
      throw new RangeError(`MMIO region ${region.name} must start and end on 4 KiB boundaries`);
    }
    for (const r of this.regions) {
      if (region.base < r.base + r.size && r.base < region.base + region.size) {
        throw new RangeError(`MMIO region ${region.name} overlaps ${r.name}`);
      }
    }
    this.regions.push(region);
    this.pagingGeneration++;
    this.regions.sort((a, b) => a.base - b.base);
    for (let n = region.base / PAGE_SIZE; n < (region.base + region.size) / PAGE_SIZE; n++) {
      if (n < this.flagPages) this.mmioLow[n] = 1;
      else this.mmioHigh.add(n);
      // Code decoded from RAM here is stale: fetches must now reach the region (e.g. the APIC-access page, SDM 30.4.1).
      this.noteWrite(n * PAGE_SIZE);
    }
  }

  /** Removes a region that map() added (a page that is MMIO only for a while, e.g. the APIC-access page). */
  unmap(region: MmioRegion): void {
    const i = this.regions.indexOf(region);
    if (i < 0) return;
    this.regions.splice(i, 1);
    this.pagingGeneration++;
    for (let n = region.base / PAGE_SIZE; n < (region.base + region.size) / PAGE_SIZE; n++) {
      if (n < this.flagPages) this.mmioLow[n] = 0;
      else this.mmioHigh.delete(n);
    }
  }

  /** True when pa lies in an MMIO page. */
  isMmio(pa: number): boolean {
    const n = pa < 0x1_0000_0000 ? pa >>> PAGE_SHIFT : Math.floor(pa / PAGE_SIZE);
    return n < this.flagPages ? this.mmioLow[n] === 1 : this.mmioHigh.size > 0 && this.mmioHigh.has(n);
  }

  regionAt(pa: number): MmioRegion | undefined {
    if (!this.isMmio(pa)) return undefined;
    for (const r of this.regions) if (pa >= r.base && pa < r.base + r.size) return r;
    return undefined;
  }

  /** True when [pa, pa+len) is ordinary RAM inside one page: the fast path. */
  private plain(pa: number, len: number): boolean {
    if ((pa & PAGE_MASK) > PAGE_SIZE - len || pa + len > this.size) return false;
    const n = pa < 0x1_0000_0000 ? pa >>> PAGE_SHIFT : Math.floor(pa / PAGE_SIZE);
    return n < this.flagPages ? this.mmioLow[n] === 0 : !this.mmioHigh.has(n);
  }

  /** The RAM page holding pa, allocating it if asked; undefined outside RAM. */
  page(pa: number, allocate: boolean): Uint8Array | undefined {
    if (pa >= this.size) return undefined;
    const n = pa < 0x1_0000_0000 ? pa >>> PAGE_SHIFT : Math.floor(pa / PAGE_SIZE);
    if (n < LOW_PAGES) {
      let p = this.low[n];
      if (!p && allocate) this.low[n] = p = new Uint8Array(PAGE_SIZE);
      return p;
    }
    let p = this.high.get(n);
    if (!p && allocate) this.high.set(n, (p = new Uint8Array(PAGE_SIZE)));
    return p;
  }

  markCode(pa: number): void {
    const n = Math.floor(pa / PAGE_SIZE);
    if (n < this.flagPages) this.flagsLow[n]! |= FLAG_CODE;
    else this.codeHigh.add(n);
  }

  /**
   * Notes that a page walk read the page (later writes to it bump pagingGeneration); true when the page is
   * MMIO (what a read returns there may change without a write).
   */
  notePagingStructureRead(pa: number): boolean {
    const n = pa < 0x1_0000_0000 ? pa >>> PAGE_SHIFT : Math.floor(pa / PAGE_SIZE);
    if (n < this.flagPages) {
      const f = this.flagsLow[n]!;
      if ((f & FLAG_PAGING) === 0) this.flagsLow[n] = f | FLAG_PAGING;
      return this.mmioLow[n] === 1;
    }
    this.pagingHigh.add(n);
    return this.mmioHigh.size > 0 && this.mmioHigh.has(n);
  }

  private noteWrite(pa: number): void {
    const n = pa < 0x1_0000_0000 ? pa >>> PAGE_SHIFT : Math.floor(pa / PAGE_SIZE);
    if (n < this.flagPages) {
      const f = this.flagsLow[n]!;
      if (f === 0) return;
      if ((f & FLAG_PAGING) !== 0) this.pagingGeneration++;
      if ((f & FLAG_CODE) !== 0) { this.flagsLow[n] = f & ~FLAG_CODE; this.onCodeWrite(n); }
      return;
    }
    if (this.pagingHigh.size > 0 && this.pagingHigh.has(n)) this.pagingGeneration++;
    if (this.codeHigh.size > 0 && this.codeHigh.has(n)) { this.codeHigh.delete(n); this.onCodeWrite(n); }
  }

  read8(pa: number): number {
    const r = this.regionAt(pa);
    if (r) return Number(r.read(pa - r.base, 1)) & 0xFF;
    if (pa >= this.size) return 0xFF; // nothing answers: the bus floats high
    const p = this.page(pa, false);
    return p ? p[pa & PAGE_MASK]! : 0;
  }

  write8(pa: number, value: number): void {
    const r = this.regionAt(pa);
    if (r) { r.write(pa - r.base, 1, value & 0xFF); return; }
    if (pa >= this.size) return;
    this.noteWrite(pa);
    this.page(pa, true)![pa & PAGE_MASK] = value;
  }

  /** 16/32-bit little-endian accesses; the fast path is an access inside one RAM page. */
  read16(pa: number): number {
    if (this.plain(pa, 2)) {
      const off = pa & PAGE_MASK;
      const p = this.page(pa, false);
      return p ? p[off]! | (p[off + 1]! << 8) : 0;
    }
    const r = this.regionAt(pa);
    if (r && pa + 2 <= r.base + r.size) return Number(r.read(pa - r.base, 2)) & 0xFFFF;
    return this.read8(pa) | (this.read8(pa + 1) << 8);
  }

  read32(pa: number): number {
    if (this.plain(pa, 4)) {
      const off = pa & PAGE_MASK;
      const p = this.page(pa, false);
      return p ? (p[off]! | (p[off + 1]! << 8) | (p[off + 2]! << 16) | (p[off + 3]! << 24)) : 0;
    }
    const r = this.regionAt(pa);
    if (r && pa + 4 <= r.base + r.size) return Number(r.read(pa - r.base, 4)) | 0;
    return this.read16(pa) | (this.read16(pa + 2) << 16);
  }

  write16(pa: number, value: number): void {
    if (this.plain(pa, 2)) {
      const off = pa & PAGE_MASK;
      this.noteWrite(pa);
      const p = this.page(pa, true)!;
      p[off] = value; p[off + 1] = value >>> 8;
      return;
    }
    const r = this.regionAt(pa);
    if (r && pa + 2 <= r.base + r.size) { r.write(pa - r.base, 2, value & 0xFFFF); return; }
    this.write8(pa, value); this.write8(pa + 1, value >>> 8);
  }

  write32(pa: number, value: number): void {
    if (this.plain(pa, 4)) {
      const off = pa & PAGE_MASK;
      this.noteWrite(pa);
      const p = this.page(pa, true)!;
      p[off] = value; p[off + 1] = value >>> 8; p[off + 2] = value >>> 16; p[off + 3] = value >>> 24;
      return;
    }
    const r = this.regionAt(pa);
    if (r && pa + 4 <= r.base + r.size) { r.write(pa - r.base, 4, value >>> 0); return; }
    this.write16(pa, value); this.write16(pa + 2, value >>> 16);
  }

  /** 64-bit values as BigInt: used by VMCS, page walks of 64-bit entries, descriptor tables. */
  read64(pa: number): bigint {
    return BigInt(this.read32(pa) >>> 0) | (BigInt(this.read32(pa + 4) >>> 0) << 32n);
  }

  write64(pa: number, value: bigint): void {
    this.write32(pa, Number(value & 0xFFFF_FFFFn));
    this.write32(pa + 4, Number((value >> 32n) & 0xFFFF_FFFFn));
  }

  readBytes(pa: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.read8(pa + i);
    return out;
  }

  /** Loads bytes into RAM (a loader's job, not a CPU write: it does not go through MMIO). */
  load(pa: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) {
      const a = pa + i;
      if (a >= this.size) throw new RangeError(`load at ${a.toString(16)}h is outside RAM (${this.size} bytes)`);
      this.noteWrite(a);
      this.page(a, true)![a & PAGE_MASK] = bytes[i]!;
    }
  }
}
