/**
 * Name patterns of DMS object locators ("Wildcards in table mapping"):
 *
 *   %      zero or more characters
 *   _      one character
 *   [_]    a literal underscore
 *   [ab]   one of a set of characters
 *   [a-d]  one of a range of characters
 *
 * Everything else stands for itself. A `*` is not a wildcard in DMS, so a pattern that uses it
 * as one (a common slip from shell globs) is reported rather than matched literally.
 */

/** Why the pattern is not legal, or undefined when it is. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.includes('*')) return '"*" is not a wildcard in DMS: use "%" for any characters';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '[') continue;
    const close = pattern.indexOf(']', i + 1);
    if (close < 0) return `the "[" at position ${i + 1} is never closed`;
    const set = pattern.slice(i + 1, close);
    if (set === '') return '"[]" is an empty set and matches nothing';
    for (let j = 0; j + 2 < set.length; j++) {
      if (set[j + 1] === '-' && set[j] > set[j + 2]) {
        return `the range "${set.slice(j, j + 3)}" in "[${set}]" is reversed`;
      }
    }
    i = close;
  }
  return undefined;
}

/** True when the name is a pattern rather than one exact name (it has `%` or a `[...]` set). */
export function isPattern(name: string): boolean {
  return name.includes('%') || /\[[^\]]*\]/.test(name);
}

/**
 * A matcher for a legal pattern. SQL Server compares names case-insensitively under its default
 * collations, and DMS matches names as the source endpoint does, so matching ignores case.
 */
export function patternMatcher(pattern: string): (name: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '%') source += '[\\s\\S]*';
    else if (c === '_') source += '[\\s\\S]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 1);
      if (close < 0) {
        source += '\\[';
        continue;
      }
      const set = pattern.slice(i + 1, close);
      source += `[${set.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else source += c.replace(/[.*+?^${}()|[\]\\/]/g, (m) => `\\${m}`);
  }
  const regex = new RegExp(`^${source}$`, 'iu');
  return (name) => regex.test(name);
}

/** One position of a pattern: `%`, `_`, a `[...]` set (as code-point ranges) or one character. */
type PatternToken = { readonly kind: 'any' } | { readonly kind: 'one' } | { readonly kind: 'set'; readonly ranges: readonly (readonly [number, number])[] };

function tokens(pattern: string): PatternToken[] {
  const out: PatternToken[] = [];
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    if (c === '%') out.push({ kind: 'any' });
    else if (c === '_') out.push({ kind: 'one' });
    else if (c === '[' && chars.indexOf(']', i + 1) > i) {
      const close = chars.indexOf(']', i + 1);
      const set = chars.slice(i + 1, close);
      const ranges: [number, number][] = [];
      for (let j = 0; j < set.length; j++) {
        const lo = set[j].codePointAt(0) ?? 0;
        if (set[j + 1] === '-' && j + 2 < set.length) {
          ranges.push([lo, set[j + 2].codePointAt(0) ?? 0]);
          j += 2;
        } else ranges.push([lo, lo]);
      }
      out.push({ kind: 'set', ranges });
      i = close;
    } else {
      const code = c.codePointAt(0) ?? 0;
      out.push({ kind: 'set', ranges: [[code, code]] });
    }
  }
  return out;
}

/** Whether one character can match both positions. */
function sharesCharacter(a: PatternToken, b: PatternToken): boolean {
  if (a.kind !== 'set') return b.kind !== 'set' || b.ranges.some(([lo, hi]) => lo <= hi);
  if (b.kind !== 'set') return a.ranges.some(([lo, hi]) => lo <= hi);
  return a.ranges.some(([alo, ahi]) => b.ranges.some(([blo, bhi]) => alo <= bhi && blo <= ahi && alo <= ahi && blo <= bhi));
}

/**
 * True when some name matches both patterns: two rules with these locators can act on the same
 * object. Case counts, as in transformation rules ("Table names and column names in
 * transformation rules are case-sensitive", Transformation rules and actions). A walk over pairs
 * of positions in the two patterns, where `%` may match nothing or absorb a character and every
 * other token consumes one.
 */
export function patternsOverlap(a: string, b: string): boolean {
  const p = tokens(a);
  const q = tokens(b);
  const seen = new Set<number>();
  const width = q.length + 1;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [i, j] = stack.pop()!;
    const key = i * width + j;
    if (seen.has(key)) continue;
    seen.add(key);
    if (i === p.length && j === q.length) return true;
    const pi = p[i];
    const qj = q[j];
    if (pi?.kind === 'any') stack.push([i + 1, j]);
    if (qj?.kind === 'any') stack.push([i, j + 1]);
    if (pi && qj && sharesCharacter(pi, qj)) {
      // A `%` stays where it is after absorbing a character; other tokens move on.
      const ni = pi.kind === 'any' ? i : i + 1;
      const nj = qj.kind === 'any' ? j : j + 1;
      if (ni !== i || nj !== j) stack.push([ni, nj]);
    }
  }
  return false;
}
