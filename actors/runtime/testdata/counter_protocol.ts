/**
 * Protocol of the runtime's test actor: does numbered work, answers requests, and misbehaves on
 * demand (throws, dies, hangs, emits what it must not) so tests can watch the runtime recover.
 */
import { type Guard, message, request } from "../protocol.ts";
import { isEmpty, isRecord } from "../guards.ts";

/** A numbered piece of work. */
export interface Work {
  readonly n: number;
}

/** The effect of one piece of work, with who did it. */
export interface WorkDone {
  readonly n: number;
  readonly member: number;
  readonly incarnation: number;
  /** `counter.bytes`: whether the bytes of the one this Worker handled before read as freed. */
  readonly previousFreed?: boolean;
}

/** How the test actor behaves, chosen per test. */
export interface CounterArgs {
  /** Throw on the Nth message of every incarnation (0: never). */
  readonly failEvery: number;
  /** This work number throws (-1: none)... */
  readonly poison: number;
  /** ...in incarnations below this one (0: in every incarnation). */
  readonly poisonUntilIncarnation: number;
  /** Milliseconds each piece of work takes. */
  readonly delayMs: number;
  /** Throw while starting. */
  readonly failInit: boolean;
}

const isWork: Guard<Work> = (v): v is Work => isRecord(v) && typeof v.n === "number";
/** Numbered work carrying a buffer, sent with a transfer list. */
export interface Bytes {
  readonly n: number;
  readonly bytes: Uint8Array;
}
const isBytes: Guard<Bytes> = (v): v is Bytes =>
  isRecord(v) && typeof v.n === "number" && v.bytes instanceof Uint8Array;
const isWorkDone: Guard<WorkDone> = (v): v is WorkDone =>
  isRecord(v) && typeof v.n === "number" && typeof v.member === "number" &&
  typeof v.incarnation === "number" &&
  (v.previousFreed === undefined || typeof v.previousFreed === "boolean");
const isDoubled: Guard<{ doubled: number }> = (v): v is { doubled: number } =>
  isRecord(v) && typeof v.doubled === "number";
/** What a `counter.stage` handler saw: whether the next message was prepared before it ended. */
export interface Staged {
  readonly n: number;
  readonly nextPreparedFirst: boolean;
}

const isStaged: Guard<Staged> = (v): v is Staged =>
  isRecord(v) && typeof v.n === "number" && typeof v.nextPreparedFirst === "boolean";
/** This Worker's buffer pool (`buffer_pool.ts`), after taking the bytes asked for. */
export interface Pooled {
  readonly kept: number;
  readonly reused: number;
}

const isPooled: Guard<Pooled> = (v): v is Pooled =>
  isRecord(v) && typeof v.kept === "number" && typeof v.reused === "number";
const isName: Guard<{ name: string }> = (v): v is { name: string } =>
  isRecord(v) && typeof v.name === "string";

/** Checks init arguments. */
export const isCounterArgs: Guard<CounterArgs> = (v): v is CounterArgs =>
  isRecord(v) && typeof v.failEvery === "number" && typeof v.poison === "number" &&
  typeof v.poisonUntilIncarnation === "number" && typeof v.delayMs === "number" &&
  typeof v.failInit === "boolean";

/** The test actor's protocol. */
export const COUNTER_PROTOCOL = {
  name: "test.counter",
  accepts: {
    "counter.work": message(isWork),
    /** As `counter.work` (same poison), emitting how many bytes arrived as `member`. */
    "counter.bytes": message(isBytes),
    "counter.double": request(isWork, isDoubled),
    "counter.dieLater": message(isEmpty),
    "counter.hang": message(isEmpty),
    "counter.emitUndeclared": message(isEmpty),
    /** Asks its owner for `counter.lookup` of `n` and answers with that reply. */
    "counter.relay": request(isWork, isDoubled),
    /** Handled beside the loop: answers once `counter.release` came. */
    "counter.await": request(isEmpty, isDoubled),
    "counter.release": message(isEmpty),
    /**
     * Has a prepare step (`Behaviour.prepare`), which throws for a negative `n`; the handler of an
     * even `n` asks `counter.lookup` and then prepares the messages delivered meanwhile.
     */
    "counter.stage": message(isWork),
    /** Hands its bytes back (`ActorContext.recycle`), emitting whether they then read as moved. */
    "counter.spend": message(isBytes),
    /** Takes `n` bytes from this Worker's buffer pool (none for 0) and answers how it stands. */
    "counter.pooled": request(isWork, isPooled),
  },
  emits: {
    "counter.worked": message(isWorkDone),
    "counter.stopped": message(isName),
    "counter.staged": message(isStaged),
  },
  asks: {
    "counter.lookup": request(isWork, isDoubled),
  },
} as const;

/** Default behaviour: well-behaved and fast. */
export const CALM: CounterArgs = {
  failEvery: 0,
  poison: -1,
  poisonUntilIncarnation: 0,
  delayMs: 0,
  failInit: false,
};
