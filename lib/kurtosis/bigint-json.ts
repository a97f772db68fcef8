// JSON.parse rounds integers above 2^53 (ethereum-package prints FAR_FUTURE_EPOCH =
// 18446744073709551615 as a bare number), and Node 20 has no JSON.parse source-text access. This
// small recursive-descent parser returns such integers as bigint and everything else as JSON.parse does.

export type JsonValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

export class JsonSyntaxError extends SyntaxError {
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
    this.position = position;
  }
}

/** Like JSON.parse, but integers outside ±Number.MAX_SAFE_INTEGER become bigint. */
export function parseJsonBigInt(text: string): JsonValue {
  let pos = 0;

  const fail = (message: string): never => {
    throw new JsonSyntaxError(message, pos);
  };
  const skipWs = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) pos++;
      else break;
    }
  };
  const expect = (word: string) => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail(`expected '${word}'`);
  };

  function value(depth: number): JsonValue {
    if (depth > 512) fail('nesting too deep');
    skipWs();
    const c = text[pos];
    switch (c) {
      case '{':
        return object(depth);
      case '[':
        return array(depth);
      case '"':
        return string();
      case 't':
        expect('true');
        return true;
      case 'f':
        expect('false');
        return false;
      case 'n':
        expect('null');
        return null;
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
        return fail(c === undefined ? 'unexpected end of input' : `unexpected '${c}'`);
    }
  }

  function object(depth: number): { [key: string]: JsonValue } {
    pos++; // {
    const out: { [key: string]: JsonValue } = {};
    skipWs();
    if (text[pos] === '}') {
      pos++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[pos] !== '"') fail('expected a key');
      const key = string();
      skipWs();
      if (text[pos] !== ':') fail("expected ':'");
      pos++;
      const v = value(depth + 1);
      // Assign like JSON.parse does, without letting `__proto__` reach the prototype.
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return out;
      }
      fail("expected ',' or '}'");
    }
  }

  function array(depth: number): JsonValue[] {
    pos++; // [
    const out: JsonValue[] = [];
    skipWs();
    if (text[pos] === ']') {
      pos++;
      return out;
    }
    for (;;) {
      out.push(value(depth + 1));
      skipWs();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return out;
      }
      fail("expected ',' or ']'");
    }
  }

  function string(): string {
    const start = pos;
    pos++; // "
    // Fast path: no escapes.
    const end = text.indexOf('"', pos);
    if (end < 0) fail('unterminated string');
    const raw = text.slice(pos, end);
    if (!raw.includes('\\')) {
      if (/[\u0000-\u001f]/.test(raw)) fail('control character in string');
      pos = end + 1;
      return raw;
    }
    pos = start;
    // Slow path: let JSON.parse decode one string literal (escapes, surrogates) once we know its end.
    let i = start + 1;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    try {
      const s = JSON.parse(text.slice(start, i + 1)) as string;
      pos = i + 1;
      return s;
    } catch {
      return fail('bad string escape');
    }
  }

  function number(): number | bigint {
    const m = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = pos;
    const found = m.exec(text);
    if (!found) return fail('bad number');
    pos += found[0].length;
    const literal = found[0];
    if (found[1] === undefined && found[2] === undefined) {
      const n = Number(literal);
      return Number.isSafeInteger(n) ? n : BigInt(literal);
    }
    return Number(literal);
  }

  const result = value(0);
  skipWs();
  if (pos < text.length) fail('unexpected trailing text');
  return result;
}
