import assert from "node:assert/strict";
import { ActorPool, type PoolSpec, type RuntimeDeadLetter } from "./actor_pool.ts";
import { copyBytes, DEFAULT_POOL_LIMITS, threadBuffers } from "./buffer_pool.ts";
import { MailboxClosedError } from "./credit_gate.ts";
import { ProtocolError } from "./protocol.ts";
import { DEFAULT_RESTART_POLICY } from "./restart_policy.ts";
import {
  CALM,
  COUNTER_PROTOCOL,
  type CounterArgs,
  type Staged,
  type WorkDone,
} from "./testdata/counter_protocol.ts";

const MODULE = new URL("./testdata/counter_actor.ts", import.meta.url).href;
const QUICK_RESTART = {
  ...DEFAULT_RESTART_POLICY,
  initialDelayMs: 1,
  maxDelayMs: 20,
  maxRestarts: 50,
};
type In = typeof COUNTER_PROTOCOL.accepts;
type Out = typeof COUNTER_PROTOCOL.emits;
type Asks = typeof COUNTER_PROTOCOL.asks;

/** A counter pool whose effects land in `effects`. */
function counter(
  args: Partial<CounterArgs>,
  spec: Partial<PoolSpec<In, Out, Asks>> = {},
): { pool: ActorPool<In, Out, Asks>; effects: WorkDone[]; stops: string[]; staged: Staged[] } {
  const effects: WorkDone[] = [];
  const staged: Staged[] = [];
  const stops: string[] = [];
  const pool = new ActorPool<In, Out, Asks>({
    name: "counter",
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: { ...CALM, ...args },
    restart: QUICK_RESTART,
    onFailure: { kind: "drop", after: 3 },
    onEmit: (message) => {
      switch (message.type) {
        case "counter.worked":
          effects.push(message.body);
          return;
        case "counter.stopped":
          stops.push(message.body.name);
          return;
        case "counter.staged":
          staged.push(message.body);
          return;
        default:
          message satisfies never;
      }
    },
    ...spec,
  });
  return { pool, effects, stops, staged };
}

/** Sends 20 messages of 1,000 bytes (the nth filled with n), moving each buffer if `move`. */
async function sendBuffers(pool: ActorPool<In, Out, Asks>, move: boolean): Promise<Uint8Array[]> {
  const sent: Uint8Array[] = [];
  for (let n = 0; n < 20; n++) {
    const bytes = new Uint8Array(1_000).fill(n);
    sent.push(bytes);
    await pool.send("counter.bytes", { n, bytes }, move ? [bytes.buffer] : undefined);
  }
  return sent;
}

function countsOf(effects: readonly WorkDone[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const e of effects) counts.set(e.n, (counts.get(e.n) ?? 0) + 1);
  return counts;
}

Deno.test("typed messages cross the Worker boundary both ways, requests get replies", async () => {
  const { pool, effects } = counter({});
  await pool.start();
  for (let n = 0; n < 100; n++) await pool.send("counter.work", { n });
  assert.deepEqual(await pool.ask("counter.double", { n: 21 }, 5_000), { doubled: 42 });
  await pool.drained();
  assert.deepEqual(effects.map((e) => e.n), Array.from({ length: 100 }, (_, n) => n));
  await pool.stop(5_000);
});

Deno.test("a message outside the protocol is rejected at the boundary, named", async () => {
  const { pool } = counter({});
  await pool.start();
  const send = pool.send.bind(pool) as (name: string, body: unknown) => Promise<void>;
  await assert.rejects(send("counter.launch", {}), (e: unknown) => {
    assert.ok(e instanceof ProtocolError);
    assert.match(e.message, /"counter\.launch".*not declared/);
    return true;
  });
  await assert.rejects(send("counter.work", { n: "seven" }), /"counter\.work".*guard/);
  await pool.stop(5_000);
});

Deno.test("an emit outside the protocol crashes the emitting Worker with the name in its error", async () => {
  const { pool } = counter({});
  await pool.start();
  await pool.send("counter.emitUndeclared", {});
  await pool.send("counter.work", { n: 1 });
  await pool.drained();
  const snap = pool.snapshot();
  assert.match(snap.lastError ?? "", /counter\.secret/);
  assert.ok(snap.restarts >= 1);
  await pool.stop(5_000);
});

Deno.test("a pool spreads work over its members", async () => {
  const { pool, effects } = counter({ delayMs: 2 }, { size: 3, capacity: 2 });
  await pool.start();
  for (let n = 0; n < 60; n++) await pool.send("counter.work", { n });
  await pool.drained();
  const perMember = [0, 1, 2].map((m) => effects.filter((e) => e.member === m).length);
  assert.equal(perMember.reduce((a, b) => a + b), 60);
  for (const count of perMember) assert.ok(count >= 10, `uneven spread: ${perMember}`);
  await pool.stop(5_000);
});

Deno.test("backpressure keeps the mailbox under its bound with a receiver 100x slower", async () => {
  const { pool, effects } = counter({ delayMs: 1 }, { capacity: 8 });
  await pool.start();
  const pressure: boolean[] = [];
  pool.onPressure((full) => pressure.push(full));
  let deepest = 0;
  for (let n = 0; n < 300; n++) {
    await pool.send("counter.work", { n }); // the sender is as fast as it can be
    deepest = Math.max(deepest, pool.snapshot().mailboxDepth);
  }
  await pool.drained();
  assert.equal(deepest, 8);
  assert.ok(pressure.includes(true) && pressure.at(-1) === false);
  assert.equal(effects.length, 300);
  await pool.stop(5_000);
});

Deno.test("a Worker that throws on every 100th message: every effect happens exactly once", async () => {
  const { pool, effects } = counter({ failEvery: 100 }, { size: 2 });
  await pool.start();
  for (let n = 0; n < 1_000; n++) await pool.send("counter.work", { n });
  await pool.drained();
  const counts = countsOf(effects);
  assert.equal(counts.size, 1_000);
  assert.ok([...counts.values()].every((c) => c === 1));
  const { restarts, processed } = pool.snapshot();
  assert.ok(restarts >= 9, `restarts ${restarts}`);
  assert.equal(processed, 1_000);
  await pool.stop(5_000);
});

Deno.test("a poison message reaches the poison handler after K attempts; the rest flow", async () => {
  const letters: RuntimeDeadLetter[] = [];
  const { pool, effects } = counter({ poison: 13 }, {
    onFailure: {
      kind: "poison",
      after: 3,
      onPoison: (letter) => {
        letters.push(letter);
        return Promise.resolve();
      },
    },
  });
  await pool.start();
  for (let n = 0; n < 50; n++) await pool.send("counter.work", { n });
  await pool.drained();
  assert.equal(letters.length, 1);
  assert.deepEqual([letters[0]?.name, letters[0]?.body, letters[0]?.attempts], [
    "counter.work",
    { n: 13 },
    3,
  ]);
  assert.match(letters[0]?.error.message ?? "", /work 13 is poison/);
  assert.deepEqual(
    [...countsOf(effects).keys()].sort((a, b) => a - b),
    Array.from({ length: 50 }, (_, n) => n).filter((n) => n !== 13),
  );
  assert.equal(pool.snapshot().deadLetters, 1);
  await pool.stop(5_000);
});

Deno.test("a redelivering pool never gives a message up: it succeeds once its receiver can", async () => {
  // Work 13 crashes the first five incarnations, more than any poison threshold would allow.
  const { pool, effects } = counter({ poison: 13, poisonUntilIncarnation: 5 }, {
    onFailure: { kind: "redeliver" },
  });
  await pool.start();
  for (let n = 0; n < 30; n++) await pool.send("counter.work", { n });
  await pool.drained();
  const counts = countsOf(effects);
  assert.equal(counts.size, 30);
  assert.ok([...counts.values()].every((c) => c === 1));
  assert.equal(counts.has(13), true);
  assert.equal(pool.snapshot().restarts, 5);
  assert.equal(pool.snapshot().deadLetters, 0);
  await pool.stop(5_000);
});

Deno.test("a transferred message moves its buffer, and one lost in a crash is read again by its source, not redelivered", async () => {
  let lost = 0;
  const { pool, effects } = counter({ poison: 7, poisonUntilIncarnation: 1 }, {
    onFailure: { kind: "redeliver" },
    onLost: () => lost++,
  });
  await pool.start();
  const sent = await sendBuffers(pool, true);
  await pool.drained();
  // Moved, not copied: the host keeps nothing of what it delivered.
  assert.ok(sent.every((bytes) => bytes.byteLength === 0));
  const counts = countsOf(effects);
  assert.equal(counts.has(7), false, "a lost transfer is its source's to read again");
  assert.equal(lost, 1);
  assert.ok([...counts.values()].every((c) => c === 1));
  assert.ok(effects.every((e) => e.member === 1_000), "every buffer arrived whole");
  assert.equal(pool.snapshot().restarts, 1);
  await pool.stop(5_000);
});

Deno.test("a kept message is delivered as its copier's copy, moved, and redelivered from the original after a crash", async () => {
  const copies: number[] = [];
  const { pool, effects } = counter({ poison: 7, poisonUntilIncarnation: 1 }, {
    onFailure: { kind: "redeliver" },
    copy: {
      "counter.bytes": ({ n, bytes }) => {
        copies.push(n);
        const copy = bytes.slice();
        return { body: { n, bytes: copy }, transfer: [copy.buffer] };
      },
    },
  });
  await pool.start();
  const sent = await sendBuffers(pool, false);
  await pool.drained();
  assert.ok(sent.every((bytes) => bytes.byteLength === 1_000), "the originals stay with the host");
  const counts = countsOf(effects);
  assert.equal(counts.size, 20);
  assert.ok([...counts.values()].every((c) => c === 1));
  assert.ok(effects.every((e) => e.member === 1_000), "every copy arrived whole");
  assert.ok(copies.filter((n) => n === 7).length >= 2, "work 7 was copied again to be redelivered");
  await pool.stop(5_000);
});

Deno.test("a kept message's buffers are freed on both sides once its receiver finished it, and one redelivered after a crash arrives whole", async () => {
  const { pool, effects } = counter({ poison: 7, poisonUntilIncarnation: 1 }, {
    onFailure: { kind: "redeliver" },
    copy: {
      "counter.bytes": ({ n, bytes }) => {
        const copy = bytes.slice();
        return { body: { n, bytes: copy }, transfer: [copy.buffer] };
      },
    },
    release: {
      "counter.bytes": ({ bytes }) => bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [],
    },
  });
  await pool.start();
  const sent = await sendBuffers(pool, false);
  await pool.drained();
  assert.ok(sent.every((bytes) => bytes.byteLength === 0), "every original was freed once done");
  const seen = effects.filter((e) => e.previousFreed !== undefined);
  assert.ok(seen.length >= 18, "the Worker saw the copy it handled before");
  assert.ok(seen.every((e) => e.previousFreed), "and had freed it once its handler finished");
  const counts = countsOf(effects);
  assert.equal(counts.size, 20);
  assert.ok([...counts.values()].every((c) => c === 1));
  assert.ok(
    effects.every((e) => e.member === 1_000),
    "every copy arrived whole, 7's after a crash",
  );
  assert.equal(pool.snapshot().restarts, 1);
  await pool.stop(5_000);
});

Deno.test("a pool whose source cannot read a message again refuses a transfer list", async () => {
  const { pool } = counter({});
  await pool.start();
  const bytes = new Uint8Array(8);
  await assert.rejects(
    pool.send("counter.bytes", { n: 1, bytes }, [bytes.buffer]),
    /transfer list.*no onLost/,
  );
  assert.equal(bytes.byteLength, 8);
  await pool.stop(5_000);
});

Deno.test("a Worker that dies outside a handler is restarted and work goes on", async () => {
  const { pool, effects } = counter({});
  await pool.start();
  await pool.send("counter.dieLater", {});
  for (let n = 0; n < 20; n++) await pool.send("counter.work", { n });
  await pool.drained();
  assert.equal(countsOf(effects).size, 20);
  const snap = pool.snapshot();
  assert.match(snap.lastError ?? "", /died outside a handler/);
  assert.equal(snap.restarts, 3); // it killed three incarnations, then it was dead-lettered
  assert.equal(snap.deadLetters, 1);
  await pool.stop(5_000);
});

Deno.test("restarts past the intensity escalate to the owner", async () => {
  const { pool } = counter({ failEvery: 1 }, {
    restart: { ...QUICK_RESTART, maxRestarts: 3, withinMs: 60_000 },
    onFailure: { kind: "redeliver" },
  });
  const escalated = Promise.withResolvers<Error>();
  pool.onEscalate = (error) => escalated.resolve(error);
  await pool.start();
  await pool.send("counter.work", { n: 1 });
  const error = await escalated.promise;
  assert.match(error.message, /"counter" restarted more than 3 times/);
  assert.equal(pool.snapshot().state, "failed");
  await pool.stop(1_000);
});

Deno.test("ask rejects with a TimeoutError when no reply comes in time", async () => {
  const { pool } = counter({});
  await pool.start();
  await pool.send("counter.hang", {});
  await assert.rejects(pool.ask("counter.double", { n: 1 }, 50), { name: "TimeoutError" });
  await pool.stop(200);
});

Deno.test("an ask to a full mailbox rejects with a TimeoutError in time, without waiting for room", async () => {
  const { pool } = counter({}, { capacity: 1 });
  await pool.start();
  await pool.send("counter.hang", {});
  assert.equal(pool.full, true);
  await assert.rejects(pool.ask("counter.double", { n: 1 }, 50), { name: "TimeoutError" });
  assert.equal(pool.full, true);
  await pool.stop(200);
});

Deno.test("stop drains what was sent, runs stop hooks, then refuses new messages", async () => {
  const { pool, effects, stops } = counter({ delayMs: 2 }, { size: 2 });
  await pool.start();
  for (let n = 0; n < 40; n++) await pool.send("counter.work", { n });
  await pool.stop(10_000);
  assert.equal(effects.length, 40);
  assert.deepEqual(stops.sort(), ["counter#0", "counter#1"]);
  await assert.rejects(pool.send("counter.work", { n: 41 }), MailboxClosedError);
  assert.equal(pool.snapshot().state, "stopped");
});

Deno.test("a broadcast reaches every member once", async () => {
  const { pool, effects } = counter({}, { size: 3 });
  await pool.start();
  await pool.broadcast("counter.work", { n: -7 });
  assert.deepEqual(effects.map((e) => e.member).sort(), [0, 1, 2]);
  await pool.stop(5_000);
});

Deno.test("restarts use the init arguments set last", async () => {
  const { pool, effects } = counter({});
  await pool.start();
  // From the next restart on, each incarnation throws on its 2nd piece of work.
  pool.setArgs({ ...CALM, failEvery: 2 });
  await pool.send("counter.dieLater", {}); // kills three incarnations, then is dead-lettered
  for (let n = 0; n < 10; n++) await pool.send("counter.work", { n });
  await pool.drained();
  assert.ok([...countsOf(effects).values()].every((c) => c === 1));
  assert.equal(countsOf(effects).size, 10);
  assert.ok(pool.snapshot().restarts >= 3 + 4, `restarts: ${pool.snapshot().restarts}`);
  await pool.stop(5_000);
});

Deno.test("stop lets go an emit parked behind a downstream that never has room, so the member still runs its stop hook", async () => {
  const routed: number[] = [];
  const parked = Promise.withResolvers<void>();
  const { pool, stops } = counter({}, {
    onEmit: (message) => {
      if (message.type === "counter.stopped") return void stops.push(message.body.name);
      if (message.type !== "counter.worked") return;
      routed.push(message.body.n);
      parked.resolve();
      return new Promise<void>(() => {}); // downstream full for good (a stuck writer behind it)
    },
  });
  await pool.start();
  for (const n of [1, 2]) await pool.send("counter.work", { n });
  await parked.promise;
  // Without letting go, work 1 never finishes: the stop would wait out its deadline and end the
  // Worker without its stop hook (the consumer that cannot leave its group).
  await pool.stop(20_000);
  assert.deepEqual(stops, ["counter#0"], "the stop hook ran");
  assert.deepEqual(routed, [1, 2], "work 2 was handled too; its emit let go at once");
  assert.equal(pool.snapshot().state, "stopped");
});

Deno.test("stop rejects requests still waiting for an answer", async () => {
  const { pool } = counter({});
  await pool.start();
  await pool.send("counter.hang", {});
  const waiting = pool.ask("counter.double", { n: 1 }, 60_000);
  await pool.stop(50);
  await assert.rejects(waiting, /stopped before it answered/);
});

Deno.test("once its stop has begun a pool restarts no Worker: one that crashes stays ended, what it held unfinished", async () => {
  const { pool, effects } = counter({ poison: 7 }, { onFailure: { kind: "redeliver" } });
  await pool.start();
  pool.beginStop(); // its supervisor's stop began; the mailbox still takes messages
  await pool.send("counter.work", { n: 7 }); // its Worker throws
  await pool.send("counter.work", { n: 8 });
  await pool.stop(60_000); // returns once the Worker ended: nothing is left that could finish
  const snap = pool.snapshot();
  assert.equal(snap.restarts, 0);
  assert.equal(snap.running, 0);
  assert.equal(snap.state, "stopped");
  assert.match(snap.lastError ?? "", /work 7 is poison/, "a real crash is still reported");
  assert.deepEqual(effects, [], "no Worker was started to redeliver 7 or to do 8");
});

Deno.test("a member waiting for its restart when the stop begins is not started again", async () => {
  const crashed = Promise.withResolvers<void>();
  const { pool, effects } = counter({ poison: 7 }, {
    restart: { ...QUICK_RESTART, initialDelayMs: 60_000, maxDelayMs: 60_000 },
    onFailure: { kind: "poison", after: 1, onPoison: () => Promise.resolve(crashed.resolve()) },
  });
  await pool.start();
  await pool.send("counter.work", { n: 7 });
  await crashed.promise; // its restart is due in a minute
  await pool.send("counter.work", { n: 8 }); // waits for a Worker
  await pool.stop(60_000);
  const snap = pool.snapshot();
  assert.equal(snap.restarts, 1, "the restart before the stop was scheduled, never run");
  assert.equal(snap.running, 0);
  assert.deepEqual(effects, [], "8 was left for the source to read again");
});

Deno.test("what a Worker asks of another actor is routed by its owner, and the reply comes back checked", async () => {
  const asked: number[] = [];
  const { pool } = counter({}, {
    onAsk: (m) => {
      asked.push(m.body.n);
      return Promise.resolve(m.body.n === 13 ? { wrong: true } : { doubled: m.body.n * 10 });
    },
  });
  await pool.start();
  try {
    assert.deepEqual(await pool.ask("counter.relay", { n: 4 }, 5_000), { doubled: 40 });
    // A reply that fails its guard fails the ask, and so the handler: the Worker crashes on it.
    await assert.rejects(
      pool.ask("counter.relay", { n: 13 }, 5_000),
      (error: Error) => /replies no message "counter.lookup"/.test(String(error.cause)),
    );
    assert.deepEqual(asked, [4, 13, 13, 13], "asked once per try, up to the drop policy's 3");
  } finally {
    await pool.stop(5_000);
  }
});

Deno.test("an ask whose route fails rejects in the asking Worker with the reason", async () => {
  const { pool } = counter({}, { onAsk: () => Promise.reject(new RangeError("no lookup today")) });
  await pool.start();
  try {
    await assert.rejects(
      pool.ask("counter.relay", { n: 1 }, 5_000),
      (error: Error) => /RangeError: no lookup today/.test(String(error.cause)),
    );
  } finally {
    await pool.stop(5_000);
  }
});

Deno.test("a concurrent handler runs beside the mailbox loop: later messages go on meanwhile", async () => {
  const { pool } = counter({});
  await pool.start();
  try {
    const waiting = pool.ask("counter.await", {}, 5_000);
    await pool.send("counter.work", { n: 1 }); // handled while counter.await is still running
    await pool.send("counter.release", {});
    assert.deepEqual(await waiting, { doubled: 1 });
  } finally {
    await pool.stop(5_000);
  }
});

/** A counter whose `counter.lookup` asks wait for the test to open `gate`. */
function gated(): { gate: PromiseWithResolvers<void>; spec: Partial<PoolSpec<In, Out, Asks>> } {
  const gate = Promise.withResolvers<void>();
  return {
    gate,
    spec: { capacity: 2, onAsk: async (m) => (await gate.promise, { doubled: m.body.n * 2 }) },
  };
}

Deno.test("a handler waiting off-thread prepares the message delivered meanwhile", async () => {
  const { gate, spec } = gated();
  const { pool, staged } = counter({}, spec);
  await pool.start();
  try {
    await pool.send("counter.stage", { n: 0 }); // its handler waits on the gate...
    await pool.send("counter.stage", { n: 1 }); // ...so this one is delivered meanwhile
    gate.resolve();
    await pool.drained();
    assert.deepEqual(staged, [
      { n: 0, nextPreparedFirst: true },
      { n: 1, nextPreparedFirst: true },
    ]);
  } finally {
    await pool.stop(5_000);
  }
});

Deno.test("a prepare step that throws fails its message at its turn, after the one before it", async () => {
  const { gate, spec } = gated();
  const { pool, staged } = counter({}, spec);
  await pool.start();
  try {
    await pool.send("counter.stage", { n: 0 }); // prepares -1 ahead, which throws
    await pool.send("counter.stage", { n: -1 });
    gate.resolve();
    await pool.send("counter.stage", { n: 3 });
    await pool.drained();
    // 0 is answered before -1 fails, so it is not redelivered: each effect happens once.
    assert.deepEqual(staged, [
      { n: 0, nextPreparedFirst: true },
      { n: 3, nextPreparedFirst: true },
    ]);
    const snap = pool.snapshot();
    assert.equal(snap.deadLetters, 1);
    assert.match(snap.lastError ?? "", /cannot prepare stage -1/);
  } finally {
    await pool.stop(5_000);
  }
});

Deno.test("a kept message's copy comes back to the host for its next copy, and its original goes back to the actor that made it", async () => {
  const returned: ArrayBuffer[] = [];
  const { pool, effects } = counter({}, {
    capacity: 2,
    copy: {
      "counter.bytes": ({ n, bytes }) => {
        const copy = copyBytes(bytes);
        return { body: { n, bytes: copy }, transfer: [copy.buffer] };
      },
    },
    release: {
      "counter.bytes": ({ bytes }) => bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : [],
    },
    returnTo: (buffers) => returned.push(...buffers),
  });
  await pool.start();
  const reusedBefore = threadBuffers.reused;
  const sent: Uint8Array[] = [];
  for (let n = 0; n < 10; n++) {
    const bytes = new Uint8Array(256 << 10).fill(n);
    sent.push(bytes);
    await pool.send("counter.bytes", { n, bytes });
  }
  await pool.drained();
  assert.equal(effects.length, 10);
  assert.ok(effects.every((e) => e.member === 256 << 10), "every copy arrived whole");
  assert.ok(effects.slice(1).every((e) => e.previousFreed), "the Worker kept none of its copies");
  // Two are out at once; each later message is copied once one came back with its sys.done.
  assert.ok(threadBuffers.reused - reusedBefore >= 8, "the host reused the copies handed back");
  assert.deepEqual(returned, sent.map((bytes) => bytes.buffer), "each original went back");
  await pool.stop(5_000);
});

Deno.test("buffers a Worker has used up go back through its owner to their maker, moved", async () => {
  const returned: ArrayBuffer[] = [];
  const { pool, effects } = counter({}, {
    onLost: () => {},
    returnTo: (buffers) => returned.push(...buffers),
  });
  await pool.start();
  for (let n = 0; n < 5; n++) {
    const bytes = new Uint8Array(128 << 10).fill(n);
    await pool.send("counter.spend", { n, bytes }, [bytes.buffer]);
  }
  await pool.drained();
  assert.equal(effects.length, 5);
  assert.ok(effects.every((e) => e.previousFreed), "the Worker's views read as moved");
  assert.equal(returned.length, 5);
  assert.ok(returned.every((b) => b.byteLength === 128 << 10));
  assert.deepEqual(returned.map((b) => new Uint8Array(b)[0]).sort(), [0, 1, 2, 3, 4]);
  await pool.stop(5_000);
});

Deno.test("buffers recycled to an actor are reused by its Worker, its pool stays bounded, and a restarted Worker starts with none", async () => {
  const { pool } = counter({}, { onFailure: { kind: "drop", after: 1 } });
  await pool.start();
  const pooled = (n: number) => pool.ask("counter.pooled", { n }, 5_000);
  pool.recycle(Array.from({ length: 4 }, () => new ArrayBuffer(1 << 20)));
  assert.deepEqual(await pooled(0), { kept: 4, reused: 0 });
  assert.deepEqual(await pooled(1_000_000), { kept: 3, reused: 1 });
  const many = Array.from({ length: 40 }, () => new ArrayBuffer(1 << 20));
  pool.recycle(many);
  assert.ok(many.every((b) => b.detached), "moved to the Worker");
  assert.equal((await pooled(0)).kept, DEFAULT_POOL_LIMITS.maxBuffers);
  await pool.send("counter.dieLater", {});
  assert.deepEqual(await pooled(0), { kept: 0, reused: 0 }, "the new incarnation has no pool");
  assert.equal(pool.snapshot().restarts, 1);
  await pool.stop(5_000);
});
