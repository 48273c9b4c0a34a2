/** Worker entry of the consumer actor (behaviour in consumer_behaviour.ts). */
import { CONSUMER_PROTOCOL, isConsumerArgs } from "../../messages/consumer.ts";
import { serve } from "../runtime/serve.ts";
import { startConsumer } from "./consumer_behaviour.ts";

serve(CONSUMER_PROTOCOL, isConsumerArgs, startConsumer);
