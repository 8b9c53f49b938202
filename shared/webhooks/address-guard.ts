import { BlockList, isIP } from 'node:net';
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup } from 'node:dns';

/**
 * Addresses no delivery may reach unless allow-listed: loopback, private (RFC 1918, unique local),
 * link-local (cloud metadata services live there), carrier-grade NAT, "this network", benchmark,
 * multicast, reserved and broadcast; and the IPv6 forms that embed an IPv4 address (NAT64, 6to4),
 * since they could smuggle any of the above. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is judged
 * as the IPv4 address it is (node's BlockList already matches IPv4 rules against it).
 */
const REFUSED: readonly [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['2002::', 16, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

function family(address: string): 'ipv4' | 'ipv6' | null {
  const v = isIP(address);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : null;
}

/** `::ffff:7f00:1` / `::ffff:127.0.0.1` → `127.0.0.1`; anything else as it is. */
function unmapped(address: string): string {
  const m = /^::ffff:(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (m) {
    const [hi, lo] = [parseInt(m[1]!, 16), parseInt(m[2]!, 16)];
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return dotted ? dotted[1]! : address;
}

/** Thrown when a delivery's host is or resolves to a refused address; says which, never more. */
export class AddressRefusedError extends Error {
  readonly code = 'EADDRREFUSED';
  constructor(readonly address: string) {
    super(`address ${address} is private, loopback or link-local and not in WEBHOOK_ALLOWED_NETWORKS`);
    this.name = 'AddressRefusedError';
  }
}

/** Decides which addresses a delivery may connect to: anything public, plus WEBHOOK_ALLOWED_NETWORKS. */
export class AddressGuard {
  private readonly refused = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowedNetworks: readonly string[] = []) {
    for (const [net, prefix, fam] of REFUSED) this.refused.addSubnet(net, prefix, fam);
    for (const entry of allowedNetworks) {
      const [net, bits] = entry.split('/');
      const fam = family(net ?? '');
      if (!fam) throw new Error(`WEBHOOK_ALLOWED_NETWORKS: "${entry}" is not an address or CIDR`);
      const prefix = bits === undefined ? (fam === 'ipv4' ? 32 : 128) : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > (fam === 'ipv4' ? 32 : 128)) {
        throw new Error(`WEBHOOK_ALLOWED_NETWORKS: "${entry}" has an invalid prefix length`);
      }
      this.allowed.addSubnet(net!, prefix, fam);
    }
  }

  /** Whether a delivery may connect to `address` (an IP literal; anything else is refused). */
  permits(raw: string): boolean {
    const address = unmapped(raw);
    const fam = family(address);
    if (!fam) return false;
    if (this.allowed.check(address, fam)) return true;
    return !this.refused.check(address, fam);
  }

  /**
   * A `lookup` for http.request: resolves the host and connects only to an address this guard
   * permits. The check happens on the address the socket then uses, so a name that resolves to a
   * public address for a check and a private one for the connection (DNS rebinding) gets nowhere.
   */
  lookup = (
    hostname: string,
    options: LookupOptions | number,
    callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ): void => {
    const opts = typeof options === 'number' ? { family: options } : options;
    lookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const ok = addresses.filter((a) => this.permits(a.address));
      if (ok.length === 0) return callback(new AddressRefusedError(addresses[0]?.address ?? hostname), '', 0);
      if (opts.all) return callback(null, ok);
      callback(null, ok[0]!.address, ok[0]!.family);
    });
  };
}
