/**
 * Small objects per KiB retained: about 72 bytes each on Node 24 (x64, no pointer compression),
 * measured with `process.memoryUsage().heapUsed` around an allocation after a full GC.
 */
const OBJECTS_PER_KIB = 14;

/** One retained object: a small record like a leaked request's, traced by every major GC. */
interface Leaked {
  n: number;
  at: number;
  tag: null;
}

/**
 * Memory a `memory` fault holds on the V8 heap, as a leak would: many small objects (not a
 * Buffer, whose bytes live outside the heap and cost the collector nothing to trace), so the
 * heap grows towards `--max-old-space-size` and every major GC has more to mark. Released all
 * at once by {@link release} (the rules replaced or cleared); the next GC reclaims it.
 */
export class HeapBallast {
  private readonly chunks: Leaked[][] = [];
  private kib = 0;

  /** KiB held now (an estimate: {@link OBJECTS_PER_KIB} objects per KiB). */
  get retainedKib(): number {
    return this.kib;
  }

  /**
   * Retains `kib` KiB more, never past `maxMib` MiB in all (a leak with a ceiling, so an
   * experiment chooses how close to the heap limit it goes). Returns the KiB added.
   */
  retain(kib: number, maxMib: number): number {
    const add = Math.max(0, Math.min(kib, maxMib * 1024 - this.kib));
    if (add === 0) return 0;
    const chunk = new Array<Leaked>(add * OBJECTS_PER_KIB);
    const base = this.kib * OBJECTS_PER_KIB;
    for (let i = 0; i < chunk.length; i++) chunk[i] = { n: base + i, at: i + 0.5, tag: null };
    this.chunks.push(chunk);
    this.kib += add;
    return add;
  }

  /** Lets go of everything retained. */
  release(): void {
    this.chunks.length = 0;
    this.kib = 0;
  }
}
