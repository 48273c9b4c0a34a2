/**
 * The event generator as a library, for the produce command, ingestion tests and benchmarks:
 * a pure, seeded message generator with labelled hostile messages, and a batching producer.
 */
export {
  type EventOptions,
  type GeneratedEvent,
  type GeneratedMessage,
  generateEvent,
  generateMessages,
  type GenerateOptions,
} from "./generate_messages.ts";
export {
  DEAD_LETTER_KINDS,
  DIRTY_KINDS,
  HOSTILE_KINDS,
  type HostileKind,
  isDeadLetterKind,
} from "./hostile.ts";
export {
  produceEvents,
  type ProduceOptions,
  type ProduceProgress,
  type ProduceSummary,
} from "./produce_events.ts";
export {
  type Collection,
  COLLECTION_MIX,
  COLLECTIONS,
  type CollectionWeights,
} from "./collections.ts";
export { type AgentKind, userAgentCatalog, type UserAgentEntry } from "./user_agents.ts";
export { type Store, STORES } from "./stores.ts";
export { formatPrice, type PriceFormat } from "./prices.ts";
