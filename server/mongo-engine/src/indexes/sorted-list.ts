// An ordered multiset kept as a list of bounded sorted blocks (a flat B+tree): lookups are two
// binary searches, inserts and deletes move at most one block, so both stay cheap at 10^5–10^6
// entries where one big sorted array would copy half of itself on every insert.
const MAX_BLOCK = 512;

export class SortedList<T> {
  private blocks: T[][] = [];
  private count = 0;

  private readonly compare: (a: T, b: T) => number;

  constructor(compare: (a: T, b: T) => number) {
    this.compare = compare;
  }

  get size(): number {
    return this.count;
  }

  /** Replaces the content with already unsorted items, sorting once (index builds, start-up). */
  load(items: T[]): void {
    items.sort(this.compare);
    this.blocks = [];
    for (let i = 0; i < items.length; i += MAX_BLOCK / 2) this.blocks.push(items.slice(i, i + MAX_BLOCK / 2));
    this.count = items.length;
  }

  /** Index of the first block whose last item is >= probe (by `atLeast`), or blocks.length. */
  private blockFor(atLeast: (item: T) => boolean): number {
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const block = this.blocks[mid];
      if (atLeast(block[block.length - 1])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private static position<T>(block: T[], atLeast: (item: T) => boolean): number {
    let lo = 0;
    let hi = block.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (atLeast(block[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  insert(item: T): void {
    this.count++;
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      return;
    }
    // Appends (increasing ids, sequence numbers, dates) go after the last item: no search.
    const last = this.blocks[this.blocks.length - 1];
    if (this.compare(last[last.length - 1], item) <= 0) {
      last.push(item);
      if (last.length > MAX_BLOCK) this.blocks.push(last.splice(MAX_BLOCK / 2));
      return;
    }
    const atLeast = (x: T) => this.compare(x, item) > 0;
    let b = this.blockFor(atLeast);
    if (b === this.blocks.length) b--;
    const block = this.blocks[b];
    block.splice(SortedList.position(block, atLeast), 0, item);
    if (block.length > MAX_BLOCK) this.blocks.splice(b + 1, 0, block.splice(MAX_BLOCK / 2));
  }

  /** Removes one item equal to `item` (compare === 0); returns whether one was found. */
  delete(item: T): boolean {
    const atLeast = (x: T) => this.compare(x, item) >= 0;
    const b = this.blockFor(atLeast);
    if (b === this.blocks.length) return false;
    const block = this.blocks[b];
    const i = SortedList.position(block, atLeast);
    if (i >= block.length || this.compare(block[i], item) !== 0) return false;
    block.splice(i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(b, 1);
    return true;
  }

  /**
   * Items from the first one for which `atLeast` holds, in order. `atLeast` must be monotone
   * over the order (false…false true…true).
   */
  *from(atLeast: (item: T) => boolean): Generator<T> {
    let b = this.blockFor(atLeast);
    if (b === this.blocks.length) return;
    let i = SortedList.position(this.blocks[b], atLeast);
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b];
      for (; i < block.length; i++) yield block[i];
    }
  }

  /** Items up to the last one for which `atMost` holds, in reverse order. */
  *downFrom(atMost: (item: T) => boolean): Generator<T> {
    // The first item beyond the bound, then walk back.
    const beyond = (x: T) => !atMost(x);
    let b = this.blockFor(beyond);
    let i: number;
    if (b === this.blocks.length) {
      b = this.blocks.length - 1;
      i = b >= 0 ? this.blocks[b].length - 1 : -1;
    } else {
      i = SortedList.position(this.blocks[b], beyond) - 1;
    }
    for (; b >= 0; b--, i = b >= 0 ? this.blocks[b].length - 1 : -1) {
      const block = this.blocks[b];
      for (; i >= 0; i--) yield block[i];
    }
  }

  *all(): Generator<T> {
    for (const block of this.blocks) yield* block;
  }
}
