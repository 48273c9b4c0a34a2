/**
 * Test helper: the little of the browser's DOM that page checks evaluated in Chromium use, typed
 * for this side (the `dom` library would change Deno's own web types for every test module).
 */

/** An element as the checks read it. */
export interface PageElement {
  readonly textContent: string | null;
  readonly dataset: Record<string, string | undefined>;
}

/** A canvas as the checks read it. */
export interface PageCanvas extends PageElement {
  readonly width: number;
  readonly height: number;
  getContext(kind: "2d"): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}

/** The page's document as the checks read it. */
export interface PageDocument {
  readonly body: PageElement;
  getElementById(id: string): PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageCanvas>;
}

/**
 * The page's globals as the checks read them: inside a `page.evaluate` callback write
 * `(globalThis as unknown as PageGlobals).document` (the callback runs in the page).
 */
export interface PageGlobals {
  readonly document: PageDocument;
}
