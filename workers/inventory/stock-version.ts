/**
 * The version of an item's stock, its `version` and ETag: 1 + the sum of its balances' versions
 * (see lockStockVersion). Shared by the worker, which checks If-Match against it, and the gateway,
 * which answers it.
 */
export function stockVersion(balances: { version: number }[]): number {
  return balances.reduce((sum, b) => sum + Number(b.version), 1);
}
