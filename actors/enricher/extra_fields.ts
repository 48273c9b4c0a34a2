/**
 * Undeclared fields of one event, cleaned and kept as one JSON object text (`extra`), capped at
 * `MAX_EXTRA_CHARS`: a field that does not fit is left out and one field problem names what was
 * cut and how big it was, so a hostile message cannot grow a row without bound.
 */
import { preview, type Problems } from "./field_coercion.ts";
import { cleanJson } from "./clean_json.ts";

/** Characters of `extra` JSON kept per event. */
export const MAX_EXTRA_CHARS = 16_384;
/** Names of cut fields quoted in the problem. */
const NAMED = 5;

/** Collects undeclared fields within the cap. */
export class ExtraFields {
  readonly #pieces: string[] = [];
  #chars = 2; // the braces
  readonly #cut: string[] = [];
  #cutChars = 0;

  /** Adds `key` with its value cleaned (empty values are skipped, as the original did). */
  add(key: string, value: unknown): void {
    const cleaned = cleanJson(value);
    if (cleaned === undefined) return;
    const piece = `${JSON.stringify(key)}:${JSON.stringify(cleaned)}`;
    const chars = piece.length + (this.#pieces.length > 0 ? 1 : 0);
    if (this.#chars + chars > MAX_EXTRA_CHARS) {
      this.#cut.push(key);
      this.#cutChars += piece.length;
      return;
    }
    this.#pieces.push(piece);
    this.#chars += chars;
  }

  /** The kept fields as a JSON object text, or null when none. */
  json(): string | null {
    return this.#pieces.length === 0 ? null : `{${this.#pieces.join(",")}}`;
  }

  /** Records one problem naming the fields left out, when any were. */
  report(problems: Problems): void {
    if (this.#cut.length === 0) return;
    const names = this.#cut.slice(0, NAMED).map((k) => preview(k)).join(", ");
    const more = this.#cut.length > NAMED ? ` and ${this.#cut.length - NAMED} more` : "";
    problems.push(
      `extra: ${this.#cut.length} undeclared fields (${this.#cutChars} characters of JSON) left ` +
        `out to keep extra within ${MAX_EXTRA_CHARS} characters: ${names}${more}`,
    );
  }
}
