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
