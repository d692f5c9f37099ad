// State the model keeps per object (per Cpu, per Vmcs) outside the object: a WeakMap with a one-entry front.
// VM entries and exits ask for the same processor's or VMCS's state many times per round trip; comparing
// with the last key asked for spares the WeakMap lookup. Values are created once per key and never replaced,
// so the front always agrees with the map.

export class PerObject<K extends object, V> {
  private readonly map = new WeakMap<K, V>();
  private lastKey: K | undefined;
  private lastValue: V | undefined;

  constructor(private readonly create: (key: K) => V) {}

  /** The value of `key`, created on first use. */
  of(key: K): V {
    if (key === this.lastKey) return this.lastValue!;
    let v = this.map.get(key);
    if (v === undefined) this.map.set(key, (v = this.create(key)));
    this.lastKey = key; this.lastValue = v;
    return v;
  }

  /** The value of `key` if it has one (nothing is created). */
  peek(key: K): V | undefined {
    return key === this.lastKey ? this.lastValue : this.map.get(key);
  }
}
