/**
 * A strict JSON parser (RFC 8259) that, unlike JSON.parse, reports what the mapping validator
 * needs and Node's messages do not give on every version: the line and column of a syntax error
 * with a plain-English reason, the line and column of every key and value (so each finding
 * points into the file), keys that appear twice in one object (JSON.parse silently keeps the
 * last one, so the file would not mean what it says), and integers too large to survive as a
 * JavaScript number, which `stringify` writes back exactly as the file has them.
 */

export type JsonPathSegment = string | number;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JsonPosition {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units (a tab counts as one). */
  readonly column: number;
}

export interface DuplicateKey extends JsonPosition {
  /** Path of the object that holds the key twice. */
  readonly path: readonly JsonPathSegment[];
  readonly key: string;
}

export interface UnsafeNumber extends JsonPosition {
  readonly path: readonly JsonPathSegment[];
  /** The number as written in the file. */
  readonly text: string;
}

export interface ParsedJson {
  readonly value: JsonValue;
  readonly duplicateKeys: readonly DuplicateKey[];
  readonly unsafeNumbers: readonly UnsafeNumber[];
  /**
   * Where `path` is in the text: the key of an object member, the start of an array element or
   * of the document. A path that does not exist (a missing field) resolves to its deepest
   * existing ancestor, so a finding about a missing key points at the object that lacks it.
   */
  locate(path: readonly JsonPathSegment[]): JsonPosition;
  /**
   * Compact JSON of `value`, equal to JSON.stringify(value) except that integers beyond 2^53 are
   * written as the file wrote them rather than rounded to the nearest double.
   */
  stringify(): string;
}

/**
 * Offsets of one container's members (of their keys) or elements, and its raw integers. Plain
 * arrays, not maps: they are written for every value and read only for the few findings.
 */
interface ContainerInfo {
  /** Member keys in file order (repeats included); absent for an array, whose keys are its indexes. */
  readonly keys?: string[];
  readonly offsets: number[];
  raw?: Map<JsonPathSegment, string>;
}

function offsetIn(info: ContainerInfo, segment: JsonPathSegment): number | undefined {
  if (!info.keys) return typeof segment === 'number' ? info.offsets[segment] : undefined;
  // The last occurrence of a repeated key is the one kept.
  const at = info.keys.lastIndexOf(String(segment));
  return at >= 0 ? info.offsets[at] : undefined;
}

export class JsonSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`invalid JSON at line ${line} column ${column}: ${reason}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Deeper nesting than any table mapping needs; guards the recursive descent. */
const MAX_DEPTH = 256;

export function parseJson(text: string): ParsedJson {
  const first = new Parser(text, false).parseDocument();
  // Offsets and raw integers are only needed for findings and for integers beyond 2^53, both
  // rare: a second pass records them when first asked for, so a clean mapping is parsed once.
  let recorded: Parser | undefined;
  const record = () => {
    if (!recorded) {
      recorded = new Parser(text, true);
      recorded.parseDocument();
    }
    return recorded;
  };
  let lines: LineIndex | undefined;
  return {
    value: first.value,
    duplicateKeys: first.duplicateKeys,
    unsafeNumbers: first.unsafeNumbers,
    locate(path) {
      lines ??= new LineIndex(text);
      return lines.position(record().offsetOf(path));
    },
    stringify: () => (first.unsafeNumbers.length > 0 ? record().stringify() : JSON.stringify(first.value)),
  };
}

class Parser {
  private pos = 0;
  private readonly path: JsonPathSegment[] = [];
  readonly duplicateKeys: DuplicateKey[] = [];
  readonly unsafeNumbers: UnsafeNumber[] = [];
  /** Filled only when recording. */
  private readonly containers = new Map<object, ContainerInfo>();
  /** Raw text of the integer parseNumber just read when it is beyond 2^53. */
  private lastRawNumber: string | undefined;
  private start = 0;
  private rootRaw: string | undefined;
  value: JsonValue = null;

  constructor(
    private readonly text: string,
    /** Keep the offset of every member and element, and the raw text of large integers. */
    private readonly recording: boolean,
  ) {}

  parseDocument(): this {
    this.skipWhitespace();
    this.start = this.pos;
    this.value = this.parseValue(0);
    this.rootRaw = this.lastRawNumber;
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      if (this.startsComment()) this.fail('comments are not allowed in JSON');
      this.fail(`unexpected ${this.describeHere()} after the end of the JSON document`);
    }
    return this;
  }

  /** Offset of the deepest existing value on `path` (recording parsers only). */
  offsetOf(path: readonly JsonPathSegment[]): number {
    let offset = this.start;
    let node: unknown = this.value;
    for (const segment of path) {
      const info = typeof node === 'object' && node !== null ? this.containers.get(node) : undefined;
      const at = info && offsetIn(info, segment);
      if (at === undefined) break;
      offset = at;
      node = (node as Record<string, unknown>)[segment as string];
    }
    return offset;
  }

  /** JSON.stringify of the value, large integers as written (recording parsers only). */
  stringify(): string {
    return this.rootRaw ?? stringifyValue(this.value, this.containers);
  }

  private parseValue(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nesting is deeper than ${MAX_DEPTH} levels`);
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.parseObject(depth);
      case '[':
        return this.parseArray(depth);
      case '"':
        return this.parseString();
      case 't':
        return this.parseLiteral('true', true);
      case 'f':
        return this.parseLiteral('false', false);
      case 'n':
        return this.parseLiteral('null', null);
      default:
        if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.parseNumber();
        if (c === "'") this.fail('strings must be in double quotes');
        if (this.startsComment()) this.fail('comments are not allowed in JSON');
        if (c !== undefined && /[A-Za-z_]/.test(c)) {
          const word = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.pos, this.pos + 40))?.[0] ?? c;
          this.fail(`expected a value, found '${word}'`);
        }
        return this.fail(`expected a value, found ${this.describeHere()}`);
    }
  }

  private parseObject(depth: number): { [key: string]: JsonValue } {
    const result: { [key: string]: JsonValue } = {};
    const info: ContainerInfo | undefined = this.recording ? { keys: [], offsets: [] } : undefined;
    if (info) this.containers.set(result, info);
    const seen = new Set<string>();
    this.pos++; // {
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return result;
    }
    let comma = -1;
    for (;;) {
      this.skipWhitespace();
      const c = this.text[this.pos];
      if (c !== '"') {
        if (c === '}' && comma >= 0) this.failAt(comma, "trailing comma before '}'");
        if (c === "'") this.fail('property names must be in double quotes');
        if (this.startsComment()) this.fail('comments are not allowed in JSON');
        this.fail(`expected a property name in double quotes, found ${this.describeHere()}`);
      }
      const keyOffset = this.pos;
      const key = this.parseString();
      this.skipWhitespace();
      if (this.text[this.pos] !== ':') this.fail(`expected ':' after the property name, found ${this.describeHere()}`);
      this.pos++;
      this.skipWhitespace();
      this.path.push(key);
      this.lastRawNumber = undefined;
      const value = this.parseValue(depth + 1);
      this.path.pop();
      if (seen.has(key)) {
        this.duplicateKeys.push({ path: [...this.path], key, ...positionAt(this.text, keyOffset) });
      }
      seen.add(key);
      if (info) {
        info.keys?.push(key);
        info.offsets.push(keyOffset);
        if (this.lastRawNumber !== undefined) (info.raw ??= new Map()).set(key, this.lastRawNumber);
        else info.raw?.delete(key);
      }
      if (key === '__proto__') {
        // A plain assignment would set the prototype instead of adding the key.
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = value;
      }
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        comma = this.pos;
        this.pos++;
        continue;
      }
      if (next === '}') {
        this.pos++;
        this.lastRawNumber = undefined; // it belonged to a member, not to this object
        return result;
      }
      if (this.startsComment()) this.fail('comments are not allowed in JSON');
      this.fail(`expected ',' or '}' after a property value, found ${this.describeHere()}`);
    }
  }

  private parseArray(depth: number): JsonValue[] {
    const result: JsonValue[] = [];
    const info: ContainerInfo | undefined = this.recording ? { offsets: [] } : undefined;
    if (info) this.containers.set(result, info);
    this.pos++; // [
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return result;
    }
    let comma = -1;
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.pos] === ']' && comma >= 0) this.failAt(comma, "trailing comma before ']'");
      const index = result.length;
      info?.offsets.push(this.pos);
      this.path.push(index);
      this.lastRawNumber = undefined;
      result.push(this.parseValue(depth + 1));
      this.path.pop();
      if (info && this.lastRawNumber !== undefined) (info.raw ??= new Map()).set(index, this.lastRawNumber);
      this.skipWhitespace();
      const next = this.text[this.pos];
      if (next === ',') {
        comma = this.pos;
        this.pos++;
        continue;
      }
      if (next === ']') {
        this.pos++;
        this.lastRawNumber = undefined; // it belonged to an element, not to this array
        return result;
      }
      if (this.startsComment()) this.fail('comments are not allowed in JSON');
      this.fail(`expected ',' or ']' after an array element, found ${this.describeHere()}`);
    }
  }

  private parseString(): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) {
        this.failAt(start, 'unterminated string');
      }
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (code === 0x5c) {
        out += this.text.slice(chunkStart, this.pos);
        out += this.parseEscape();
        chunkStart = this.pos;
        continue;
      }
      if (code < 0x20) {
        if (code === 0x0a || code === 0x0d) {
          this.failAt(start, 'unterminated string (a line break must be written as \\n)');
        }
        this.fail(`control character ${unicodeName(code)} in a string must be escaped`);
      }
      this.pos++;
    }
  }

  private parseEscape(): string {
    const c = this.text[this.pos + 1];
    const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
    if (c !== undefined && c in simple) {
      this.pos += 2;
      return simple[c];
    }
    if (c === 'u') {
      const hex = this.text.slice(this.pos + 2, this.pos + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape: expected four hex digits');
      this.pos += 6;
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (c === undefined) return this.fail('unterminated string');
    return this.fail(`invalid escape '\\${c}' in a string`);
  }

  private parseNumber(): number {
    const startPos = this.pos;
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    const raw = match?.[0] ?? '';
    const after = this.text[this.pos + raw.length];
    if (!raw || raw === '-' || (after !== undefined && /[0-9A-Za-z.+-]/.test(after))) {
      const word = /^[-+0-9A-Za-z.]+/.exec(this.text.slice(startPos, startPos + 40))?.[0] ?? this.text[startPos];
      this.failAt(startPos, `invalid number '${word}'`);
    }
    this.pos += raw.length;
    const value = Number(raw);
    if (/^-?[0-9]+$/.test(raw) && !Number.isSafeInteger(value)) {
      this.unsafeNumbers.push({ path: [...this.path], text: raw, ...positionAt(this.text, startPos) });
      this.lastRawNumber = raw;
    }
    return value;
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (this.text.startsWith(word, this.pos)) {
      const after = this.text[this.pos + word.length];
      if (after === undefined || !/[A-Za-z0-9_]/.test(after)) {
        this.pos += word.length;
        return value;
      }
    }
    const found = /^[A-Za-z0-9_]+/.exec(this.text.slice(this.pos, this.pos + 40))?.[0] ?? this.text[this.pos];
    return this.fail(`expected a value, found '${found}'`);
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else return;
    }
  }

  private startsComment(): boolean {
    return this.text.startsWith('//', this.pos) || this.text.startsWith('/*', this.pos);
  }

  private describeHere(): string {
    if (this.pos >= this.text.length) return 'the end of the file';
    const code = this.text.charCodeAt(this.pos);
    if (code < 0x20 || code === 0x7f) return unicodeName(code);
    const c = String.fromCodePoint(this.text.codePointAt(this.pos) ?? code);
    return `'${c}'`;
  }

  private fail(reason: string): never {
    return this.failAt(this.pos, reason);
  }

  private failAt(offset: number, reason: string): never {
    const { line, column } = positionAt(this.text, offset);
    throw new JsonSyntaxError(line, column, reason);
  }
}

/**
 * JSON.stringify for parsed JSON, with the integers the parser found beyond 2^53 written as they
 * were read. Keys are visited in the same order as JSON.stringify visits them (Object.keys).
 */
function stringifyValue(value: JsonValue, containers: ReadonlyMap<object, ContainerInfo>): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const raw = containers.get(value)?.raw;
  const item = (v: JsonValue, k: JsonPathSegment) => raw?.get(k) ?? stringifyValue(v, containers);
  if (Array.isArray(value)) return `[${value.map((v, i) => item(v, i)).join(',')}]`;
  return `{${Object.keys(value)
    .map((k) => `${JSON.stringify(k)}:${item(value[k], k)}`)
    .join(',')}}`;
}

/** Line starts of a text, for offset -> line and column in O(log lines). */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    const breaks = /\r\n?|\n/g;
    while (breaks.exec(text) !== null) this.starts.push(breaks.lastIndex);
  }

  position(offset: number): JsonPosition {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

/** Line and column (both 1-based) of a UTF-16 offset; \r\n and lone \r count as one line break. */
export function positionAt(text: string, offset: number): JsonPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function unicodeName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}
