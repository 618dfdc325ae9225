/** jest globalTeardown: stops the MariaDB server of global-setup.ts and removes its files. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MariaDbServer } from './mariadb';

interface GlobalWithServer {
  __DMS_TEST_MARIADB__?: { server?: MariaDbServer; infoFile: string };
}

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as GlobalWithServer;
  const state = g.__DMS_TEST_MARIADB__;
  if (!state) return;
  await state.server?.stop();
  fs.rmSync(path.dirname(state.infoFile), { recursive: true, force: true });
  g.__DMS_TEST_MARIADB__ = undefined;
}
