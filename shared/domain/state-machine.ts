import { InvalidTransitionError } from '../errors';

/** A state machine as a table: each state lists the states it may go to. */
export class StateMachine<S extends string> {
  constructor(
    readonly aggregate: string,
    readonly transitions: Readonly<Record<S, readonly S[]>>,
  ) {}

  get states(): S[] {
    return Object.keys(this.transitions) as S[];
  }

  can(from: S, to: S): boolean {
    return this.transitions[from]?.includes(to) ?? false;
  }

  /** Throws InvalidTransitionError unless `from → to` is in the table. */
  assert(from: S, to: S): void {
    if (!this.can(from, to)) throw new InvalidTransitionError(this.aggregate, from, to);
  }

  isState(x: string): x is S {
    return Object.prototype.hasOwnProperty.call(this.transitions, x);
  }
}
