/** Worker entry of the crawler actor (behaviour in crawler_behaviour.ts). */
import { CRAWLER_PROTOCOL, isCrawlerArgs } from "../../messages/crawler.ts";
import { serve } from "../runtime/serve.ts";
import { startCrawlerBehaviour } from "./crawler_behaviour.ts";

serve(CRAWLER_PROTOCOL, isCrawlerArgs, (args, ctx) => startCrawlerBehaviour(args, ctx));
