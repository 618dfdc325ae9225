/**
 * SQL text helpers: identifier quoting, statement tags, and a small tokenizer that splits the
 * server's own `SHOW CREATE TABLE` output into its elements (columns, keys, constraints).
 *
 * No SQL is ever built from an unquoted name: every identifier goes through {@link quoteId}.
 */

/** Quotes one identifier for MySQL/MariaDB: wrapped in backticks, inner backticks doubled. */
export function quoteId(name: string): string {
  if (name.includes('\u0000')) throw new Error(`identifier contains a NUL character: ${JSON.stringify(name)}`);
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `db`.`table` */
export function quoteTable(database: string, table: string): string {
  return `${quoteId(database)}.${quoteId(table)}`;
}

/** Prefix put in front of every statement the engine issues, so a later call can find it in PROCESSLIST. */
export const TAG_PREFIX = '/* dms-restore ';

export function statementTag(planId: string, stepId: string): string {
  if (!/^[0-9a-z-]+$/i.test(planId) || !/^[0-9a-z-]+$/i.test(stepId)) {
    throw new Error(`unsafe plan or step id: ${planId} ${stepId}`);
  }
  return `${TAG_PREFIX}plan=${planId} step=${stepId} */ `;
}

/** LIKE pattern that matches exactly the statements tagged with this plan (and step, when given). */
export function tagLikePattern(planId: string, stepId?: string): string {
  return stepId === undefined ? `${TAG_PREFIX}plan=${planId} step=%` : `${statementTag(planId, stepId)}%`;
}

/** Parses the plan and step ids back out of a tagged statement; undefined when it carries no tag. */
export function parseTag(sql: string | null | undefined): { planId: string; stepId: string } | undefined {
  if (!sql) return undefined;
  const m = /^\/\* dms-restore plan=([0-9a-z-]+) step=([0-9a-z-]+) \*\/ /i.exec(sql);
  return m ? { planId: m[1], stepId: m[2] } : undefined;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'punct' | 'comment' | 'space';

export interface Token {
  readonly kind: TokenKind;
  /** Raw text as it appears in the source. */
  readonly text: string;
  /** For `ident` and `string`: the unquoted value. For `word`: upper-cased text. */
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

export interface TokenizeOptions {
  /** sql_mode NO_BACKSLASH_ESCAPES: a backslash in a string is an ordinary character. */
  readonly noBackslashEscapes?: boolean;
  /** sql_mode ANSI_QUOTES: "x" is an identifier, not a string. */
  readonly ansiQuotes?: boolean;
}

export function tokenize(sql: string, options: TokenizeOptions = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, end: number, value?: string): void => {
    const text = sql.slice(start, end);
    tokens.push({ kind, text, value: value ?? (kind === 'word' ? text.toUpperCase() : text), start, end });
  };
  while (i < n) {
    const c = sql[i];
    const start = i;
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      push('space', start, i);
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
      push('comment', start, i);
    } else if ((c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]))) || c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start, i);
    } else if (c === '`' || (c === '"' && options.ansiQuotes)) {
      const [value, end] = readQuoted(sql, i, c, false);
      i = end;
      push('ident', start, i, value);
    } else if (c === "'" || c === '"') {
      const [value, end] = readQuoted(sql, i, c, !options.noBackslashEscapes);
      i = end;
      push('string', start, i, value);
    } else if (/[0-9]/.test(c)) {
      while (i < n && /[0-9a-zA-Z_.$]/.test(sql[i])) i++;
      push('number', start, i);
    } else if (/[A-Za-z_$\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i])) i++;
      push('word', start, i);
    } else {
      i++;
      push('punct', start, i);
    }
  }
  return tokens;
}

function readQuoted(sql: string, from: number, quote: string, backslash: boolean): [string, number] {
  let i = from + 1;
  let value = '';
  while (i < sql.length) {
    const c = sql[i];
    if (backslash && c === '\\' && i + 1 < sql.length) {
      value += unescapeChar(sql[i + 1]);
      i += 2;
    } else if (c === quote) {
      if (sql[i + 1] === quote) {
        value += quote;
        i += 2;
      } else {
        return [value, i + 1];
      }
    } else {
      value += c;
      i++;
    }
  }
  throw new Error(`unterminated ${quote} quote starting at offset ${from}`);
}

function unescapeChar(c: string): string {
  switch (c) {
    case '0':
      return '\u0000';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'Z':
      return '\u001a';
    default:
      return c;
  }
}

/** Tokens without whitespace and comments. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

// ---------------------------------------------------------------------------------------------
// SHOW CREATE TABLE

export type TableElementKind = 'column' | 'primary' | 'index' | 'foreignKey' | 'check' | 'other';

export interface TableElement {
  readonly kind: TableElementKind;
  /** Name of the column, index or constraint; undefined for an unnamed element. */
  readonly name?: string;
  /** The element exactly as the server printed it (trimmed). */
  readonly text: string;
}

/**
 * Splits the server's `SHOW CREATE TABLE` output into its elements. Works on the token level,
 * so names containing commas, parentheses, backticks, quotes or newlines do not confuse it.
 */
export function parseCreateTable(ddl: string, options: TokenizeOptions = {}): TableElement[] {
  const tokens = tokenize(ddl, options);
  let open = -1;
  for (let k = 0; k < tokens.length; k++) {
    if (tokens[k].kind === 'punct' && tokens[k].text === '(') {
      open = k;
      break;
    }
  }
  if (open < 0) throw new Error('not a CREATE TABLE statement: no element list');
  const elements: TableElement[] = [];
  let depth = 0;
  let current: Token[] = [];
  for (let k = open + 1; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === 'punct' && t.text === '(') depth++;
    if (t.kind === 'punct' && t.text === ')') {
      if (depth === 0) {
        if (current.length) elements.push(classify(ddl, current));
        return elements;
      }
      depth--;
    }
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      elements.push(classify(ddl, current));
      current = [];
      continue;
    }
    current.push(t);
  }
  throw new Error('not a CREATE TABLE statement: unbalanced parentheses');
}

function classify(ddl: string, tokens: Token[]): TableElement {
  const first = tokens.findIndex((t) => t.kind !== 'space' && t.kind !== 'comment');
  let last = tokens.length - 1;
  while (last >= 0 && (tokens[last].kind === 'space' || (tokens[last].kind === 'comment' && !tokens[last].text.startsWith('/*!')))) last--;
  const text = first < 0 ? '' : ddl.slice(tokens[first].start, tokens[last].end);
  const sig = significant(tokens);
  const w = (k: number): string | undefined => (sig[k] && sig[k].kind === 'word' ? sig[k].value : undefined);
  const identAfter = (k: number): string | undefined => {
    for (let j = k; j < sig.length; j++) {
      if (sig[j].kind === 'ident') return sig[j].value;
      if (sig[j].kind !== 'word') return undefined;
    }
    return undefined;
  };
  if (!sig.length) return { kind: 'other', text };
  if (sig[0].kind === 'ident') return { kind: 'column', name: sig[0].value, text };
  switch (w(0)) {
    case 'PRIMARY':
      return { kind: 'primary', text };
    case 'KEY':
    case 'INDEX':
    case 'UNIQUE':
    case 'FULLTEXT':
    case 'SPATIAL':
    case 'VECTOR':
      return { kind: 'index', name: identAfter(1), text };
    case 'CONSTRAINT': {
      const named = sig[1] && sig[1].kind === 'ident';
      const next = named ? w(2) : w(1);
      const name = named ? sig[1].value : undefined;
      if (next === 'FOREIGN') return { kind: 'foreignKey', name, text };
      if (next === 'CHECK') return { kind: 'check', name, text };
      if (next === 'UNIQUE') return { kind: 'index', name: name ?? identAfter(2), text };
      if (next === 'PRIMARY') return { kind: 'primary', text };
      return { kind: 'other', name, text };
    }
    case 'FOREIGN':
      return { kind: 'foreignKey', text };
    case 'CHECK':
      return { kind: 'check', text };
    default:
      return { kind: 'other', text };
  }
}

// ---------------------------------------------------------------------------------------------
// Triggers

/**
 * Splits a trigger's original statement into the header (`CREATE ... FOR EACH ROW `) and the
 * body, using the body the server reports separately (information_schema.TRIGGERS.ACTION_STATEMENT).
 * Returns undefined when the statement does not end with the body.
 */
export function splitTriggerStatement(statement: string, body: string): { header: string; body: string } | undefined {
  if (!body || !statement.endsWith(body)) return undefined;
  const header = statement.slice(0, statement.length - body.length);
  const sig = significant(tokenize(header));
  const tail = sig.slice(-3).map((t) => t.value);
  if (tail.join(' ') !== 'FOR EACH ROW') return undefined;
  return { header, body };
}

/** Inserts a FOLLOWS/PRECEDES clause after FOR EACH ROW (the server does not store it in the statement). */
export function withTriggerOrder(
  statement: string,
  body: string,
  order: { readonly follows?: string; readonly precedes?: string },
): string | undefined {
  const parts = splitTriggerStatement(statement, body);
  if (!parts) return undefined;
  const clause = order.follows !== undefined ? `FOLLOWS ${quoteId(order.follows)}` : order.precedes !== undefined ? `PRECEDES ${quoteId(order.precedes)}` : '';
  if (!clause) return statement;
  // MariaDB stores the statement without the clause but with the text around it: keep the
  // header's own whitespace and put the body right after the clause's quoted name, so the
  // stored statement reads exactly as the original.
  const header = /\s$/.test(parts.header) ? parts.header : parts.header + ' ';
  return `${header}${clause}${parts.body}`;
}
