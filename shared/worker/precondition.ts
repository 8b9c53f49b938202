import { PreconditionFailedError } from '../errors';
import { versionMatches, type ExpectedVersion } from '../kafka/expected-version';
import type { CommandHandler, HandlerContext } from './handler';

/**
 * A command's If-Match, checked in its transaction against the resource it acts on, before the
 * handler changes anything: a mismatch fails the operation (412) and the transaction is rolled back.
 * The check and the change cannot be split by another writer: the handler's change to the row is
 * flushed under MikroORM's optimistic lock on the same version (a concurrent change makes it retry,
 * and the retry's check then sees the new version), and targets that lock their rows hold them
 * until commit.
 */
export async function checkExpectedVersion(
  handler: CommandHandler<never>,
  payload: never,
  ctx: HandlerContext,
  expected: ExpectedVersion | undefined,
): Promise<void> {
  if (expected === undefined) return;
  // The gateway accepts If-Match only on commands with a target; a signed one without is a bug upstream.
  if (!handler.target) throw new PreconditionFailedError(`${handler.command} acts on no existing resource; If-Match cannot hold`);
  const { version } = await handler.target(payload, ctx);
  if (!versionMatches(expected, version)) {
    const wanted = expected === '*' ? 'any' : expected.map((v) => `"${v}"`).join(', ');
    throw new PreconditionFailedError(`the resource is at version "${version}", not ${wanted} as If-Match requires; nothing was changed`);
  }
}
