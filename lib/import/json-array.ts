import { getManyValues, isMany, none } from 'stream-chain/core';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { streamArray } from 'stream-json/core/streamers/stream-array.js';

/** The array cannot be read on from here: stream-json's tokenizer cannot resynchronise after a syntax error. */
export class JsonArraySyntaxError extends Error {
  override name = 'JsonArraySyntaxError';
  constructor(
    readonly reason: string,
    /** 1-based line of the file's text where the parser gave up (at the end of the text when it ended too early). */
    readonly line: number,
    /** How many elements were read whole before it. */
    readonly itemsRead: number,
    readonly atEnd: boolean,
  ) {
    super(`${atEnd ? 'the JSON array ends early' : 'broken JSON array'} at line ${line}, after ${itemsRead} item${itemsRead === 1 ? '' : 's'}: ${reason}`);
  }
}

/**
 * Reads the elements of one top-level JSON array from text given piece by piece, with
 * stream-json's tokenizer and its StreamArray streamer (no Node streams: the caller pulls, so
 * only the current piece and the element being assembled are in memory).
 *
 * Text is fed to the tokenizer one line at a time, so a syntax error is reported on its exact
 * line (a one-line array gives the piece's line, line 1). Elements come out as soon as they close.
 */
export class JsonArrayReader {
  // Packed tokens only (keyValue, stringValue, numberValue): what StreamArray assembles from,
  // and half the tokens of the default streamed-and-packed output.
  private readonly tokenize = jsonParser({ streamValues: false });
  private readonly assemble = streamArray();
  private line = 1;
  private itemsRead = 0;
  private ended = false;
  private endsWithNewline = false;

  /** Elements completed by this text, in order. */
  *push(text: string): Generator<unknown, void, undefined> {
    if (text.length > 0) this.endsWithNewline = text.endsWith('\n');
    let start = 0;
    while (start < text.length) {
      const newline = text.indexOf('\n', start);
      const end = newline === -1 ? text.length : newline + 1;
      yield* this.feed(start === 0 && end === text.length ? text : text.slice(start, end));
      if (newline !== -1) this.line += 1;
      start = end;
    }
  }

  /** The end of the text: throws if the array was not closed. */
  *end(): Generator<unknown, void, undefined> {
    if (this.ended) return;
    this.ended = true;
    yield* this.feed(none);
  }

  private *feed(piece: string | typeof none): Generator<unknown, void, undefined> {
    for (const token of this.tokens(piece)) {
      let element;
      try {
        element = this.assemble(token);
      } catch (error) {
        throw this.syntaxError(error, piece === none);
      }
      if (element === none) continue;
      this.itemsRead += 1;
      yield (element as { value: unknown }).value;
    }
  }

  private tokens(piece: string | typeof none): Token[] {
    let result;
    try {
      // The tokenizer is a stream-chain "flushable": called with `none`, it flushes (end of input).
      result = (this.tokenize as (chunk: string | typeof none) => ReturnType<typeof this.tokenize>)(piece);
    } catch (error) {
      throw this.syntaxError(error, piece === none);
    }
    if (result === none) return [];
    return isMany(result) ? getManyValues(result) : [result as unknown as Token];
  }

  private syntaxError(error: unknown, atEnd: boolean): JsonArraySyntaxError {
    const message = error instanceof Error ? error.message : String(error);
    // At the end of a text whose last line ends with a newline, the last line is the one before.
    const line = atEnd && this.endsWithNewline ? this.line - 1 : this.line;
    return new JsonArraySyntaxError(message.replace(/^Parser cannot parse input: /, ''), line, this.itemsRead, atEnd);
  }
}
