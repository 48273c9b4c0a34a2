/**
 * Parses an untrusted product page within bounds. htmlparser2, fed in slices, builds the DOM in
 * time linear in the page; the parse stops with a `PageRejectedError` when elements nest deeper
 * than `maxDepth` or when the time spent passes `budgetMs` (checked between slices, each of
 * which costs at most slice × depth). Measured on cheerio's default parser (parse5): 200,000
 * nested `<div>`s took minutes of CPU, and `.text()` overflowed the stack from 5,000 on.
 */
import { Parser } from "htmlparser2";
import { type Document, DomHandler } from "domhandler";

/** A page the crawler will not parse; the product is failed with `message` as the reason. */
export class PageRejectedError extends RangeError {
  override name = "PageRejectedError";
}

/** Bounds of one page's parse. */
export interface ParseLimits {
  /** Deepest element nesting accepted (real shop pages nest about 30 deep). */
  readonly maxDepth: number;
  /** CPU time the parse and extraction may take, ms. */
  readonly budgetMs: number;
}

/** Defaults: generous for real pages, cheap for hostile ones. */
export const PAGE_PARSE_LIMITS: ParseLimits = Object.freeze({ maxDepth: 256, budgetMs: 2_000 });

const SLICE_CHARS = 64 * 1024;

/** A DOM builder that refuses nesting deeper than `maxDepth`. */
class BoundedHandler extends DomHandler {
  constructor(readonly maxDepth: number) {
    super();
  }

  override onopentag(name: string, attribs: Record<string, string>): void {
    super.onopentag(name, attribs);
    // The stack holds the document itself, then one entry per open element.
    if (this.tagStack.length - 1 > this.maxDepth) {
      throw new PageRejectedError(`page nests elements deeper than ${this.maxDepth}`);
    }
  }
}

/** A deadline `budgetMs` from now; `check` throws once it passed. */
export function parseDeadline(
  budgetMs: number,
  now: () => number = performance.now.bind(performance),
) {
  const end = now() + budgetMs;
  return {
    check(stage: string): void {
      if (now() > end) {
        throw new PageRejectedError(`page took longer than ${budgetMs} ms to ${stage}`);
      }
    },
  };
}

/** Parses `html` into a DOM within `limits`; `PageRejectedError` when it does not fit. */
export function parsePage(
  html: string,
  limits: ParseLimits,
  deadline = parseDeadline(limits.budgetMs),
): Document {
  const handler = new BoundedHandler(limits.maxDepth);
  const parser = new Parser(handler, { decodeEntities: true });
  for (let at = 0; at < html.length; at += SLICE_CHARS) {
    parser.write(html.slice(at, at + SLICE_CHARS));
    deadline.check("parse");
  }
  parser.end();
  return handler.root;
}
