/**
 * Actor protocols as data: the message types an actor accepts (with the reply a request gets),
 * the ones it emits, and the requests it asks of other actors (its owner routes them), each with
 * a guard that checks a value received from another Worker.
 * Declared once in `messages/`, imported by both sides; the runtime checks every message at the
 * boundary and names the one that does not fit.
 */

/** Checks that a value received across a Worker boundary has the declared shape. */
export type Guard<T> = (value: unknown) => value is T;

/** One message type: the guard of its body and of the reply it is answered with. */
export interface MessageSpec<T, R> {
  readonly body: Guard<T>;
  readonly reply: Guard<R>;
}

/** Message types by name (`"writer.write"`). */
export type Specs = Record<string, MessageSpec<unknown, unknown>>;

/** No message types. */
export type NoSpecs = Record<never, MessageSpec<unknown, unknown>>;

/** What an actor accepts, what it emits, and what it asks of others. */
export interface Protocol<In extends Specs, Out extends Specs, Asks extends Specs = NoSpecs> {
  /** The actor's name in errors and logs. */
  readonly name: string;
  readonly accepts: In;
  readonly emits: Out;
  /**
   * Requests the actor makes of other actors and waits for: its owner routes each to the actor
   * that answers it (the exporter asks the writer, which owns the warehouse).
   */
  readonly asks?: Asks;
}

/** Body type of message `K`. */
export type BodyOf<S extends Specs, K extends keyof S> = S[K] extends MessageSpec<infer T, unknown>
  ? T
  : never;

/** Reply type of message `K`. */
export type ReplyOf<S extends Specs, K extends keyof S> = S[K] extends MessageSpec<unknown, infer R>
  ? R
  : never;

/** A message of a protocol side as a tagged value. */
export type MessageOf<S extends Specs> = {
  [K in keyof S & string]: { type: K; body: BodyOf<S, K> };
}[
  keyof S & string
];

const isUndefined: Guard<undefined> = (v): v is undefined => v === undefined;

/** A one-way message whose body `guard` checks. */
export function message<T>(guard: Guard<T>): MessageSpec<T, undefined> {
  return { body: guard, reply: isUndefined };
}

/** A request whose body `guard` checks and whose reply `reply` checks. */
export function request<T, R>(guard: Guard<T>, reply: Guard<R>): MessageSpec<T, R> {
  return { body: guard, reply };
}

/** A message outside an actor's declared protocol. */
export class ProtocolError extends TypeError {
  /** Names the actor, the direction and the message type. */
  constructor(
    actor: string,
    direction: "accepts" | "emits" | "asks" | "replies",
    type: string,
    why: string,
  ) {
    super(`Actor "${actor}" ${direction} no message "${type}" of this shape: ${why}`);
    this.name = "ProtocolError";
  }
}

/** Checks `body` against `specs[type]`; throws `ProtocolError` naming what does not fit. */
export function checkMessage(
  actor: string,
  direction: "accepts" | "emits" | "asks",
  specs: Specs,
  type: string,
  body: unknown,
): void {
  const spec = Object.hasOwn(specs, type) ? specs[type] : undefined;
  if (spec === undefined) {
    const known = Object.keys(specs).join(", ") || "nothing";
    throw new ProtocolError(actor, direction, type, `not declared (declared: ${known})`);
  }
  if (!spec.body(body)) {
    throw new ProtocolError(actor, direction, type, "the body fails its guard");
  }
}

/** Checks a reply against `specs[type].reply`. */
export function checkReply(actor: string, specs: Specs, type: string, reply: unknown): void {
  const spec = Object.hasOwn(specs, type) ? specs[type] : undefined;
  if (spec !== undefined && !spec.reply(reply)) {
    throw new ProtocolError(actor, "replies", type, "the reply fails its guard");
  }
}
