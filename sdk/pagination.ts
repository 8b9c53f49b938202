/** One page of a listing, as the API answers it. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface PaginatorOptions {
  /**
   * The event feed's rule: its `nextCursor` is never null once it gave an event, and a page
   * shorter than the limit means "up to date". Other listings end at `nextCursor: null`.
   */
  endsAtShortPage?: number;
  /** The cursor to start from (e.g. a feed position kept from an earlier run). */
  cursor?: string;
}

/**
 * A listing read page by page as it is iterated: `for await (const order of client.orders.list())`
 * gives every item, `pages()` every page. `cursor` is the position after the last page read, to
 * resume from later (for the event feed: where to poll next).
 */
export class Paginator<T> implements AsyncIterable<T> {
  cursor: string | undefined;

  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly opts: PaginatorOptions = {},
  ) {
    this.cursor = opts.cursor;
  }

  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    for (;;) {
      const page = await this.fetchPage(this.cursor);
      if (page.nextCursor !== null) this.cursor = page.nextCursor;
      yield page;
      const short = this.opts.endsAtShortPage !== undefined && page.data.length < this.opts.endsAtShortPage;
      if (page.nextCursor === null || short || page.data.length === 0) return;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** The first page only. */
  async firstPage(): Promise<Page<T>> {
    const page = await this.fetchPage(this.cursor);
    return page;
  }

  /** Every item, at most `max` (default 1,000: a listing can be long). */
  async toArray(max = 1000): Promise<T[]> {
    const all: T[] = [];
    for await (const item of this) {
      if (all.length >= max) break;
      all.push(item);
    }
    return all;
  }
}
