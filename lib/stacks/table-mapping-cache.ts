import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { loadTableMappings, TableMappings } from '../mappings';

const loaded = new Map<string, TableMappings>();

/**
 * loadTableMappings, once per file content and name for the whole synth: environments that share
 * a mapping file (the usual case: dev, test and prod migrate the same database) parse and
 * validate it once; a 1.5 MB mapping takes about 0.35 s to load. The key is the file's bytes, not
 * its path or time stamp, so a file that changes is always read again.
 */
export function loadTableMappingsOnce(file: string, displayName: string): TableMappings {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    // loadTableMappings reports the unreadable file in its own words.
    return loadTableMappings(file, displayName);
  }
  const key = `${displayName}\0${createHash('sha256').update(bytes).digest('hex')}`;
  let mappings = loaded.get(key);
  if (!mappings) {
    mappings = loadTableMappings(file, displayName);
    loaded.set(key, mappings);
  }
  return mappings;
}
