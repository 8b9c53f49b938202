/** A line of goods: a SKU and how many of it. */
export interface Line {
  sku: string;
  quantity: number;
}

/** Quantity per SKU, lines of the same SKU added up (an order may list one SKU twice). */
export function quantitiesBySku(lines: readonly Line[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.quantity);
  return m;
}

/** One line per SKU, sorted by SKU: the stored form, the same whatever order the client sent. */
export function sortedLines(bySku: ReadonlyMap<string, number>): Line[] {
  return [...bySku].sort(([a], [b]) => a.localeCompare(b)).map(([sku, quantity]) => ({ sku, quantity }));
}
