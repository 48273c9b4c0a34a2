/**
 * An actor address backed by N Workers running one module: typed send (waits for credit), ask
 * with a timeout, dispatch to the least-loaded member, and let-it-crash recovery. A member that
 * fails is replaced after a backoff; what it held is delivered again (to it or another member),
 * except messages sent with a transfer list to a pool whose source reads them again (`onLost`).
 * A message that keeps crashing its receiver is handled by the pool's explicit failure policy
 * (`redeliver` forever, `poison` to a handler that accounts for its events, or `drop`). Too many
 * restarts in a window escalate to the owner (the supervisor) instead of looping. Once a stop has
 * begun (its own, or its supervisor's: `beginStop`) no member is restarted: one that ends is left
 * ended, and what it held is left unfinished (its source reads it again at the next start).
 * An on-demand pool (`PoolSpec.onDemand`, `on_demand.ts`) starts its Workers for requests and
 * ends them once idle.
 */
import { getLogger } from "../../observability/log.ts";
import { CreditGate, MailboxClosedError } from "./credit_gate.ts";
import {
  type BodyOf,
  checkMessage,
  checkReply,
  type MessageOf,
  type NoSpecs,
  type ReplyOf,
  type Specs,
} from "./protocol.ts";
import {
  DEFAULT_RESTART_POLICY,
  restartDelayMs,
  RestartIntensity,
  type RestartPolicy,
} from "./restart_policy.ts";
import type { ActorSnapshot, ActorState } from "./snapshot.ts";
import {
  type Envelope,
  type Member,
  type Movable,
  newMember,
  type PoolSpec,
  type RuntimeDeadLetter,
} from "./pool_spec.ts";
import { exitProcess } from "./supervisor.ts";
import { threadBuffers, worthReturning } from "./buffer_pool.ts";
import { freeBuffers } from "./free_buffers.ts";
import { WorkerHandle } from "./worker_handle.ts";
import { OnDemandMembers } from "./on_demand.ts";

export type { PoolSpec, RuntimeDeadLetter } from "./pool_spec.ts";

const log = getLogger("runtime");

/** A running actor (one or more Workers behind one address). */
export class ActorPool<In extends Specs, Out extends Specs, Asks extends Specs = NoSpecs> {
  readonly #spec: PoolSpec<In, Out, Asks>;
  readonly #capacity: number;
  /** Crashes in a row after which a message leaves the queue (Infinity: never). */
  readonly #giveUpAfter: number;
  readonly #policy: RestartPolicy;
  readonly #intensity: RestartIntensity;
  readonly #gate: CreditGate;
  readonly #members: Member[];
  readonly #pending: Envelope[] = [];
  /** Set for an on-demand pool: starts and ends its members' Workers. */
  readonly #onDemand: OnDemandMembers | undefined;
  #nextId = 1;
  /** Member that the next `recycle` tries first (round robin). */
  #recycled = 0;
  #args: unknown;
  #state: ActorState = "stopped";
  #restarts = 0;
  #processed = 0;
  #deadLetters = 0;
  #lastError: string | null = null;
  /** Resolves once no member has a Worker left after the stop began (see `#endedInStop`). */
  #workersEnded = Promise.withResolvers<"ended">();
  /** Resolves when `stop` is called: emits still waiting for downstream room are let go then. */
  #stopCalled = Promise.withResolvers<"stopping">();
  /** Emits let go by this stop (see `#emitted`). */
  #abandonedEmits = 0;
  /** Called when restarts exceed the intensity; set by the owning supervisor. */
  onEscalate: (error: Error) => void = exitProcess;
  /** Called after a member was replaced by the pool itself; set by the owning supervisor. */
  onRestarted: () => void = () => {};

  constructor(spec: PoolSpec<In, Out, Asks>) {
    this.#spec = spec;
    this.#args = spec.args;
    this.#capacity = spec.capacity ?? 4;
    this.#giveUpAfter = spec.onFailure.kind === "redeliver" ? Infinity : spec.onFailure.after;
    this.#policy = spec.restart ?? DEFAULT_RESTART_POLICY;
    this.#intensity = new RestartIntensity(this.#policy);
    const size = spec.size ?? 1;
    this.#gate = new CreditGate(spec.name, size * this.#capacity);
    this.#members = Array.from({ length: size }, (_, index) => newMember(index));
    this.#onDemand = spec.onDemand === undefined
      ? undefined
      : new OnDemandMembers(spec.onDemand, this.#members, {
        pending: () => this.#pending.length,
        capacity: this.#capacity,
        spawn: (m) => this.#spawn(m),
        stopping: () => this.#state === "stopping" || this.#state === "stopped",
      });
  }

  get name(): string {
    return this.#spec.name;
  }

  /** Starts every member; resolves when all are ready. An on-demand pool starts none yet. */
  async start(): Promise<void> {
    if (this.#onDemand !== undefined) {
      this.#onDemand.start();
      this.#state = "running";
      return;
    }
    this.#state = "starting";
    this.#stopCalled = Promise.withResolvers();
    this.#abandonedEmits = 0;
    await this.#spawnAll();
    this.#state = "running";
  }

  /**
   * Sends a message; waits while the mailbox is full. With `transfer` (a pool with `onLost`
   * only) the listed buffers move to the receiving Worker on delivery instead of being copied,
   * and the message is not kept for redelivery: its source reads it again if it is lost.
   */
  async send<K extends keyof In & string>(
    name: K,
    body: BodyOf<In, K>,
    transfer?: Transferable[],
  ): Promise<void> {
    checkMessage(this.#spec.name, "accepts", this.#spec.protocol.accepts, name, body);
    if (transfer !== undefined && this.#spec.onLost === undefined) {
      throw new TypeError(
        `Actor "${this.#spec.name}" was sent ${name} with a transfer list, but nothing reads ` +
          "a lost message again (no onLost): send it without one, so it is kept for redelivery",
      );
    }
    await this.#gate.acquire();
    this.#enqueue({ id: this.#nextId++, name, body, attempts: 0, transfer });
  }

  /** Sends a message if the mailbox has room; false when full. */
  trySend<K extends keyof In & string>(name: K, body: BodyOf<In, K>): boolean {
    checkMessage(this.#spec.name, "accepts", this.#spec.protocol.accepts, name, body);
    if (!this.#gate.tryAcquire()) return false;
    this.#enqueue({ id: this.#nextId++, name, body, attempts: 0 });
    return true;
  }

  /**
   * Sends a request and waits for its reply, rejecting with a `TimeoutError` after `timeoutMs`,
   * counted from the call: the wait for room in a full mailbox is part of it.
   */
  async ask<K extends keyof In & string>(
    name: K,
    body: BodyOf<In, K>,
    timeoutMs: number,
  ): Promise<ReplyOf<In, K>> {
    checkMessage(this.#spec.name, "accepts", this.#spec.protocol.accepts, name, body);
    const late = new AbortController();
    let reply: PromiseWithResolvers<unknown> | undefined;
    const timer = setTimeout(() => {
      const error = new DOMException(
        `Actor "${this.#spec.name}" did not answer ${name} in ${timeoutMs} ms`,
        "TimeoutError",
      );
      late.abort(error); // still waiting for room: the wait gives up
      reply?.reject(error); // admitted: the answer comes too late
    }, timeoutMs);
    try {
      await this.#gate.acquire(late.signal);
      reply = Promise.withResolvers<unknown>();
      this.#enqueue({ id: this.#nextId++, name, body, attempts: 0, reply });
      return await reply.promise as ReplyOf<In, K>;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Init arguments for Workers started from now on (restarts included). */
  setArgs(args: unknown): void {
    this.#args = args;
  }

  /**
   * Delivers a control message to every running member and resolves when each has handled it.
   * One copy per member, outside the mailbox bound; a member that crashes meanwhile restarts
   * with the current init arguments instead of getting the copy again (use `setArgs` first).
   */
  async broadcast<K extends keyof In & string>(name: K, body: BodyOf<In, K>): Promise<void> {
    checkMessage(this.#spec.name, "accepts", this.#spec.protocol.accepts, name, body);
    const replies = this.#members.filter((m) => m.state === "running").map((m) => {
      const reply = Promise.withResolvers<unknown>();
      const envelope: Envelope = {
        id: this.#nextId++,
        name,
        body,
        attempts: 0,
        reply,
        pinned: true,
      };
      m.inFlight.set(envelope.id, envelope);
      m.handle?.deliver(envelope.id, name, body);
      return reply.promise;
    });
    await Promise.all(replies);
  }

  /** True while a send would wait. */
  get full(): boolean {
    return this.#gate.full;
  }

  /** Calls `listener(full)` when the mailbox turns full or gets room; returns an unsubscribe. */
  onPressure(listener: (full: boolean) => void): () => void {
    return this.#gate.onPressure(listener);
  }

  /** Resolves when nothing sent is unfinished. */
  drained(): Promise<void> {
    return this.#gate.idle();
  }

  /**
   * Orderly stop: refuses new messages, lets the members finish what they hold, runs their stop
   * hooks, and terminates whatever is still running when `deadlineMs` has passed. No member is
   * restarted once it began (see `beginStop`): when every Worker has ended, what is left unfinished
   * is not waited for.
   */
  async stop(deadlineMs: number): Promise<void> {
    if (this.#state === "stopped") return;
    this.beginStop();
    this.#onDemand?.stop();
    this.#gate.close();
    this.#stopCalled.resolve("stopping");
    const deadline = Promise.withResolvers<"late">();
    const timer = setTimeout(() => deadline.resolve("late"), deadlineMs);
    try {
      await Promise.race([this.#gate.idle(), deadline.promise, this.#workersEnded.promise]);
      const stops = this.#members.map((m) => {
        // An on-demand member that was ending (idle) when the stop began: its stop is under way.
        if (m.handle !== undefined && m.state === "stopping" && m.stopped !== undefined) {
          return m.stopped.promise;
        }
        if (m.handle === undefined || m.state !== "running") return Promise.resolve();
        m.state = "stopping";
        m.stopped = Promise.withResolvers();
        m.handle.stop();
        return m.stopped.promise;
      });
      if (await Promise.race([Promise.all(stops), deadline.promise]) === "late") {
        const fields = { actor: this.#spec.name, deadlineMs, unfinished: this.#gate.used };
        // Given no time (what came before used the deadline up, and said so), it is only ended:
        // not this actor's fault, and one line per actor would hide the one that was slow.
        if (deadlineMs <= 0) log.info("ActorTerminatedAtDeadline", fields);
        else log.warn("ActorStopTimedOut", fields);
      }
    } finally {
      clearTimeout(timer);
      const unanswered = new Error(`Actor "${this.#spec.name}" stopped before it answered`);
      for (const envelope of this.#pending.splice(0)) envelope.reply?.reject(unanswered);
      for (const m of this.#members) {
        for (const envelope of m.inFlight.values()) envelope.reply?.reject(unanswered);
        m.inFlight.clear();
        m.handle?.terminate();
        m.handle = undefined;
        m.state = "stopped";
        m.ready?.reject(new Error(`Actor "${this.#spec.name}" stopped before it was ready`));
      }
      if (this.#abandonedEmits > 0) {
        log.info("ActorEmitsAbandonedAtStop", {
          actor: this.#spec.name,
          emits: this.#abandonedEmits,
          hint: "their input is not acknowledged, so it is read again at the next start",
        });
      }
      this.#state = "stopped";
    }
  }

  /**
   * The stop began (this pool's, or its supervisor's before it reaches this pool): from now on no
   * member is restarted, and one waiting for its restart stays ended. Messages are still taken
   * until `stop` closes the mailbox.
   */
  beginStop(): void {
    if (this.#state === "stopping" || this.#state === "stopped") return;
    this.#state = "stopping";
    this.#workersEnded = Promise.withResolvers();
    for (const m of this.#members) {
      if (m.restartTimer === undefined) continue;
      clearTimeout(m.restartTimer);
      m.restartTimer = undefined;
      m.state = "stopped";
    }
    this.#checkWorkersEnded();
  }

  /**
   * Replaces every member now (the supervisor's answer to an escalation it can absorb). A pool
   * that is stopping or stopped stays so: a late restart must not bring back what stop ended.
   */
  restartAll(): void {
    if (this.#state === "stopping" || this.#state === "stopped") return;
    this.#intensity.reset();
    let lost = 0;
    for (const m of this.#members) {
      if (m.restartTimer !== undefined) clearTimeout(m.restartTimer);
      m.restartTimer = undefined;
      m.handle?.terminate();
      m.handle = undefined;
      lost += this.#requeue(m);
    }
    this.#state = "running";
    if (this.#onDemand === undefined) {
      for (const m of this.#members) this.#spawn(m);
    } else {
      this.#onDemand.start(); // Workers again only for what waits
      this.#onDemand.wake();
    }
    this.#lost(lost);
  }

  /** Starts every member; resolves when all are ready (after restarts if need be). */
  #spawnAll(): Promise<void> {
    const ready = this.#members.map((m) => {
      m.ready = Promise.withResolvers();
      this.#spawn(m);
      return m.ready.promise;
    });
    return Promise.all(ready).then(() => undefined);
  }

  /** The actor's state for the status page and metrics. */
  snapshot(): ActorSnapshot {
    return {
      kind: "actor",
      name: this.#spec.name,
      state: this.#state === "running" && this.#members.some((m) => m.state === "restarting")
        ? "restarting"
        : this.#state === "running" && this.#members.every((m) => m.state === "idle")
        ? "idle"
        : this.#state,
      members: this.#members.length,
      running: this.#members.filter((m) => m.state === "running").length,
      restarts: this.#restarts,
      mailboxDepth: this.#gate.used,
      mailboxCapacity: this.#gate.capacity,
      processed: this.#processed,
      deadLetters: this.#deadLetters,
      lastError: this.#lastError,
      cpuMicros: this.#members.reduce((sum, m) => sum + m.cpuMicrosBefore + m.cpuMicros, 0),
      peakHeapBytes: this.#members.reduce((sum, m) => sum + m.peakHeapBytes, 0),
      heapBytes: this.#members.reduce((sum, m) => sum + m.heapBytes, 0),
      arrayBufferBytes: this.#members.reduce((sum, m) => sum + m.arrayBufferBytes, 0),
      ...(this.#onDemand === undefined ? {} : { onDemand: true }),
    };
  }

  #spawn(m: Member): void {
    m.cpuMicrosBefore += m.cpuMicros;
    m.cpuMicros = 0;
    m.heapBytes = 0;
    m.arrayBufferBytes = 0;
    m.incarnation++;
    m.state = "starting";
    const identity = { actor: this.#spec.name, member: m.index, incarnation: m.incarnation };
    const handle: WorkerHandle = new WorkerHandle(this.#spec.module, identity, this.#args, {
      ready: () => {
        m.state = "running";
        m.ready?.resolve();
        m.ready = undefined;
        this.#dispatch();
        this.#onDemand?.settled(m); // started again after a crash, with nothing left to do
      },
      emit: (name, body) => this.#emitted(m, name, body),
      ask: (name, body) => this.#asked(m, name, body),
      done: (id, reply, usage) => {
        m.cpuMicros = usage.cpuMicros;
        m.peakHeapBytes = Math.max(m.peakHeapBytes, usage.heapBytes);
        m.heapBytes = usage.heapBytes;
        m.arrayBufferBytes = usage.arrayBufferBytes;
        this.#done(m, id, reply);
      },
      failed: (id, error) => this.#failed(m, handle, id, error),
      stopped: () => m.stopped?.resolve(),
      // Its delivery's copy was made on this thread; what it used up came from upstream.
      recycled: (buffers, kind) =>
        kind === "handedBack" ? threadBuffers.give(buffers) : this.#returnBuffers(buffers),
    });
    m.handle = handle;
  }

  /**
   * Routes what a member emitted; the member gets its next credit when this resolves. Once this
   * pool's `stop` is called, an emit still waiting for downstream room is let go: the member can
   * then finish its message and run its stop hook (a consumer parked behind full enrichers could
   * otherwise not pause nor leave its group). Nothing is lost: what was emitted was not
   * acknowledged, so its source reads it again at the next start.
   */
  async #emitted(m: Member, name: string, body: unknown): Promise<void> {
    checkMessage(this.#spec.name, "emits", this.#spec.protocol.emits, name, body);
    const routed = this.#spec.onEmit?.({ type: name, body } as MessageOf<Out>, m.index);
    if (!(routed instanceof Promise)) return;
    const outcome = await Promise.race([
      routed.then(() => "routed" as const),
      this.#stopCalled.promise,
    ]);
    if (outcome === "routed") return;
    this.#abandonedEmits++;
    routed.catch((error: unknown) => {
      // Let go at the stop, then refused as its receiver stopped too: the expected end.
      if (error instanceof Error && error.name === MailboxClosedError.name) return;
      log.warn("ActorEmitFailedAfterStop", { actor: this.#spec.name, name, error });
    });
  }

  async #asked(m: Member, name: string, body: unknown): Promise<unknown> {
    const asks = this.#spec.protocol.asks ?? {};
    checkMessage(this.#spec.name, "asks", asks, name, body);
    if (this.#spec.onAsk === undefined) {
      throw new Error(`Actor "${this.#spec.name}" asked ${name}, and its owner routes no asks`);
    }
    const reply = await this.#spec.onAsk({ type: name, body } as MessageOf<Asks>, m.index);
    checkReply(this.#spec.name, asks, name, reply);
    return reply;
  }

  #enqueue(envelope: Envelope): void {
    this.#pending.push(envelope);
    this.#dispatch();
    this.#onDemand?.wake();
  }

  #dispatch(): void {
    while (this.#pending.length > 0) {
      let best: Member | undefined;
      for (const m of this.#members) {
        if (m.state !== "running" || m.inFlight.size >= this.#capacity) continue;
        if (best === undefined || m.inFlight.size < best.inFlight.size) best = m;
      }
      const envelope = best === undefined ? undefined : this.#pending.shift();
      if (best === undefined || envelope === undefined) return;
      best.inFlight.set(envelope.id, envelope);
      this.#onDemand?.busy(best);
      const { body, transfer } = this.#movable(envelope);
      const handBack = this.#handBack(envelope, body);
      best.handle?.deliver(envelope.id, envelope.name, body, transfer, handBack);
    }
  }

  /** What to post for `envelope`: as sent, or a kept message's copy (`PoolSpec.copy`). */
  #movable(envelope: Envelope): Movable<unknown> {
    if (envelope.transfer !== undefined) {
      return { body: envelope.body, transfer: envelope.transfer };
    }
    const copy = this.#spec.copy?.[envelope.name] as
      | ((body: unknown) => Movable<unknown>)
      | undefined;
    return copy === undefined ? { body: envelope.body, transfer: [] } : copy(envelope.body);
  }

  #done(m: Member, id: number, reply: unknown): void {
    const envelope = m.inFlight.get(id);
    if (envelope === undefined) return;
    m.inFlight.delete(id);
    m.consecutiveFailures = 0;
    this.#processed++;
    try {
      checkReply(this.#spec.name, this.#spec.protocol.accepts, envelope.name, reply);
      envelope.reply?.resolve(reply);
    } catch (error) {
      envelope.reply?.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (!envelope.pinned) this.#gate.release();
    this.#free(envelope);
    this.#dispatch();
    this.#onDemand?.settled(m);
  }

  /** `PoolSpec.release` for a kept message (none for a transferred or a broadcast one). */
  #release(envelope: Envelope): ((body: unknown) => ArrayBuffer[]) | undefined {
    if (envelope.transfer !== undefined || envelope.pinned) return undefined;
    return this.#spec.release?.[envelope.name] as ((body: unknown) => ArrayBuffer[]) | undefined;
  }

  /** The buffers of a kept message's delivered copy its receiver hands back once done. */
  #handBack(envelope: Envelope, copy: unknown): readonly ArrayBuffer[] | undefined {
    return copy === envelope.body ? undefined : this.#release(envelope)?.(copy);
  }

  /** Gives up a finished kept message's buffers (its receiver has handed its copy back). */
  #free(envelope: Envelope): void {
    const release = this.#release(envelope);
    if (release !== undefined) this.#returnBuffers(release(envelope.body));
  }

  /** Buffers this actor was sent and has used up: back to their maker, else freed. */
  #returnBuffers(buffers: readonly ArrayBuffer[]): void {
    if (this.#spec.returnTo !== undefined) this.#spec.returnTo(buffers);
    else freeBuffers(buffers);
  }

  /**
   * Moves buffers this actor's Workers made (and another actor used up) back to one of them for
   * reuse (`buffer_pool.ts`); with no Worker running they are freed. Never read them afterwards.
   */
  recycle(buffers: readonly ArrayBuffer[]): void {
    const live = worthReturning(buffers);
    if (live.length === 0) return;
    const members = this.#members.length;
    for (let i = 0; i < members; i++) {
      const m = this.#members[(this.#recycled + i) % members];
      if (m?.state !== "running" || m.handle === undefined) continue;
      this.#recycled = (this.#recycled + i + 1) % members;
      if (m.handle.recycle(live)) return;
    }
    freeBuffers(live);
  }

  #failed(m: Member, handle: WorkerHandle, id: number | null, error: Error): void {
    if (m.handle !== handle) return;
    m.handle = undefined;
    if (this.#state === "stopping" || this.#state === "stopped") return this.#endedInStop(m, error);
    this.#lastError = `${error.name}: ${error.message}`;
    const culprit = id !== null ? m.inFlight.get(id) : m.inFlight.values().next().value;
    if (culprit !== undefined) culprit.attempts++;
    const lost = this.#requeue(
      m,
      culprit !== undefined && culprit.transfer === undefined &&
        culprit.attempts >= this.#giveUpAfter
        ? culprit
        : undefined,
      error,
    );
    log.warn("ActorCrashed", {
      actor: this.#spec.name,
      member: m.index,
      incarnation: m.incarnation,
      error: this.#lastError,
    });
    this.#lost(lost);
    if (!this.#intensity.allow(Date.now())) {
      m.state = "failed";
      this.#state = "failed";
      this.onEscalate(
        new Error(
          `Actor "${this.#spec.name}" restarted more than ${this.#policy.maxRestarts} times in ` +
            `${this.#policy.withinMs} ms; last error: ${this.#lastError}`,
          { cause: error },
        ),
      );
      return;
    }
    if (this.#onDemand?.restartAfterCrash(m) === false) return; // idle until the next request
    m.state = "restarting";
    m.consecutiveFailures++;
    this.#restarts++;
    m.restartTimer = setTimeout(() => {
      m.restartTimer = undefined;
      this.#spawn(m);
      this.onRestarted();
    }, restartDelayMs(this.#policy, m.consecutiveFailures));
    this.#dispatch();
  }

  /**
   * A member that ended after the stop began stays ended. What it held goes back to the queue,
   * counted against no message (the stop ended it, not the message), for a member still running
   * to finish, or to be left unfinished: nothing unfinished is acknowledged, so its source reads
   * it again at the next start.
   * When its receiver's mailbox was closed by the same stop (a receiver stopped before its
   * sender), the Worker did not fail: it is logged as stopped during shutdown. Any other error
   * is a real crash, logged as one, and still not restarted.
   */
  #endedInStop(m: Member, error: Error): void {
    this.#requeue(m);
    m.state = "stopped";
    m.stopped?.resolve();
    const where = { actor: this.#spec.name, member: m.index, incarnation: m.incarnation };
    // By name: an error loses its class when it crosses from a Worker (an ask it made, refused).
    if (error.name === MailboxClosedError.name) {
      log.info("ActorStoppedDuringShutdown", {
        ...where,
        reason: error.message,
        hint: "its receiver stopped first; what it held is not acknowledged and is read again " +
          "at the next start",
      });
    } else {
      this.#lastError = `${error.name}: ${error.message}`;
      log.warn("ActorCrashed", { ...where, error: this.#lastError, restarting: false });
    }
    this.#checkWorkersEnded();
  }

  /** Resolves `#workersEnded` once no member has a Worker (a stop has nothing left to wait for). */
  #checkWorkersEnded(): void {
    if (this.#members.every((m) => m.handle === undefined)) this.#workersEnded.resolve("ended");
  }

  /**
   * Moves a member's unfinished messages back to the front of the queue, except `poison` and
   * those whose buffers were transferred to it (not kept): their credit is returned, and their
   * number returned, for `#lost`.
   */
  #requeue(m: Member, poison?: Envelope, error?: Error): number {
    const held = [...m.inFlight.values()];
    const again = held.filter((e) => e !== poison && !e.pinned && e.transfer === undefined);
    const lost = held.filter((e) => !e.pinned && e.transfer !== undefined);
    for (const e of held) if (e.pinned) e.reply?.resolve(undefined);
    m.inFlight.clear();
    this.#pending.unshift(...again);
    for (const _ of lost) this.#gate.release();
    if (poison === undefined || error === undefined) return lost.length;
    this.#deadLetters++;
    const policy = this.#spec.onFailure;
    const letter: RuntimeDeadLetter = {
      actor: this.#spec.name,
      name: poison.name,
      body: poison.body,
      error,
      attempts: poison.attempts,
    };
    poison.reply?.reject(
      new Error(`Actor "${this.#spec.name}" gave up on ${poison.name}`, { cause: error }),
    );
    log.error(policy.kind === "poison" ? "ActorMessagePoisoned" : "ActorMessageDropped", {
      actor: letter.actor,
      message: letter.name,
      attempts: letter.attempts,
      error: error.message,
    });
    if (policy.kind !== "poison") {
      this.#gate.release();
      return lost.length;
    }
    policy.onPoison(letter).finally(() => this.#gate.release()).catch((e: unknown) =>
      this.onEscalate(new Error(`Poison handler of "${this.#spec.name}" failed`, { cause: e }))
    );
    return lost.length;
  }

  /** `count` transferred messages died with their Worker: their source reads them again. */
  #lost(count: number): void {
    if (count === 0) return;
    log.warn("ActorMessagesLost", {
      actor: this.#spec.name,
      messages: count,
      hint: "they were transferred, not kept; their source reads them again",
    });
    this.#spec.onLost?.();
  }
}
