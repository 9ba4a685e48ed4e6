// Items on a time line, sorted only when someone looks. Start-up reads newest files first and
// reports read files in path order, so items arrive out of order in bulk: inserting each into
// place would cost O(n^2); appending and sorting once (stable, so ties keep arrival order, as
// ccusage's do) costs O(n log n), and O(n) for the mostly-ordered appends of live use.
export class Timeline<T extends { at: number }> {
  private items: T[] = [];
  private ordered = true;

  get length(): number {
    return this.items.length;
  }

  push(item: T): void {
    const last = this.items[this.items.length - 1];
    if (last && last.at > item.at) this.ordered = false;
    this.items.push(item);
  }

  /** An item's `at` was changed in place: it keeps its arrival position among equals. */
  moved(): void {
    this.ordered = false;
  }

  sorted(): readonly T[] {
    if (!this.ordered) {
      this.items.sort((a, b) => a.at - b.at);
      this.ordered = true;
    }
    return this.items;
  }

  /** Drops every item before index `n` of the sorted order. */
  dropFirst(n: number): void {
    if (n > 0) this.items = this.sorted().slice(n) as T[];
  }
}

/** First index whose `at` is greater than `at`. */
export function upperBound<T extends { at: number }>(arr: readonly T[], at: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].at <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose `at` is at or after `at`. */
export function lowerBound<T extends { at: number }>(arr: readonly T[], at: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid].at < at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
