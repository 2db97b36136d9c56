/**
 * Where a text stops being JSON: the offset (0-based, in UTF-16 code units, as V8 counts) of the
 * first character no valid JSON text could have there, `text.length` when the text ends too
 * early, or null when the text is JSON (RFC 8259).
 *
 * Only for the rare body that JSON.parse refused: V8 gives the position in most of its messages
 * but not in those that quote the text around the mistake instead ("Unexpected token 'o',
 * ...": onConversa"... is not valid JSON", "Unexpected end of JSON input"), and a sender is
 * owed the line and column either way. Iterative, so a hostile 100,000-level nesting cannot
 * overflow the stack; the tests check it against V8's position wherever V8 gives one.
 */
export function jsonErrorOffset(text: string): number | null {
  const end = text.length;
  let i = 0;
  /** Open containers, innermost last: `{` or `[`. */
  const open: string[] = [];

  const skipSpace = () => {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const isDigit = (at: number) => {
    const c = text.charCodeAt(at);
    return c >= 0x30 && c <= 0x39;
  };
  /** A string from its opening quote at `i`: returns the offset of the mistake, or null with `i` past it. */
  const string = (): number | null => {
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return null;
      }
      if (c < 0x20) return i;
      if (c === 0x5c) {
        const escaped = text[i + 1];
        if (escaped === undefined) return end;
        if (escaped === 'u') {
          for (let k = 2; k < 6; k++) {
            if (i + k >= end) return end;
            if (!/[0-9a-fA-F]/.test(text[i + k]!)) return i + k;
          }
          i += 6;
        } else if ('"\\/bfnrt'.includes(escaped)) i += 2;
        else return i + 1;
      } else i++;
    }
    return end;
  };
  /** A number from `i`: returns the offset of the mistake, or null with `i` past it. */
  const number = (): number | null => {
    if (text[i] === '-') i++;
    if (i >= end) return end;
    if (text[i] === '0') i++;
    else if (isDigit(i)) while (i < end && isDigit(i)) i++;
    else return i;
    if (text[i] === '.') {
      i++;
      if (i >= end) return end;
      if (!isDigit(i)) return i;
      while (i < end && isDigit(i)) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (i >= end) return end;
      if (!isDigit(i)) return i;
      while (i < end && isDigit(i)) i++;
    }
    return null;
  };
  /** An object's key and its colon, from `i` (white space before it skipped by the caller). */
  const key = (): number | null => {
    if (i >= end) return end;
    if (text[i] !== '"') return i;
    const mistake = string();
    if (mistake !== null) return mistake;
    skipSpace();
    if (i >= end) return end;
    if (text[i] !== ':') return i;
    i++;
    return null;
  };
  const literal = (word: string): number | null => {
    for (let k = 0; k < word.length; k++) {
      if (i + k >= end) return end;
      if (text[i + k] !== word[k]) return i + k;
    }
    i += word.length;
    return null;
  };

  // Each turn reads one value; containers push themselves and are closed by the separators below.
  for (;;) {
    skipSpace();
    if (i >= end) return end;
    const c = text[i]!;
    let mistake: number | null = null;
    if (c === '{' || c === '[') {
      open.push(c);
      i++;
      skipSpace();
      if (i >= end) return end;
      if (c === '[' && text[i] === ']') {
        open.pop();
        i++;
      } else if (c === '{') {
        if (text[i] === '}') {
          open.pop();
          i++;
        } else {
          if ((mistake = key()) !== null) return mistake;
          continue;
        }
      } else continue;
    } else if (c === '"') mistake = string();
    else if (c === '-' || isDigit(i)) mistake = number();
    else if (c === 't') mistake = literal('true');
    else if (c === 'f') mistake = literal('false');
    else if (c === 'n') mistake = literal('null');
    else return i;
    if (mistake !== null) return mistake;

    // After a value: a separator, the end of its container, or the end of the text.
    for (;;) {
      skipSpace();
      const container = open[open.length - 1];
      if (container === undefined) return i >= end ? null : i;
      if (i >= end) return end;
      const next = text[i];
      if (next === ',') {
        i++;
        if (container === '{') {
          skipSpace();
          if ((mistake = key()) !== null) return mistake;
        }
        break;
      }
      if ((next === '}' && container === '{') || (next === ']' && container === '[')) {
        open.pop();
        i++;
        continue;
      }
      return i;
    }
  }
}
