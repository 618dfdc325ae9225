/**
 * jest globalSetup: starts ONE MariaDB server for the whole test run and publishes its
 * coordinates (host, port, admin user and password) in a JSON file named by the environment
 * variable DMS_TEST_MARIADB, which the test workers inherit. When the server cannot start, the
 * file carries the reason and every database test fails with it (other tests still run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MariaDbServer, SERVER_INFO_ENV, TestServerInfo, startMariaDb } from './mariadb';

interface GlobalWithServer {
  __DMS_TEST_MARIADB__?: { server?: MariaDbServer; infoFile: string };
}

export default async function globalSetup(): Promise<void> {
  const g = globalThis as GlobalWithServer;
  const infoFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dms-test-info-')), 'server.json');
  let info: TestServerInfo;
  let server: MariaDbServer | undefined;
  try {
    const log = (line: string): void => {
      process.stderr.write(`[mariadb] ${line}\n`);
    };
    try {
      server = await startMariaDb({ log });
    } catch (first) {
      if (/apt-get install mariadb-server/.test((first as Error).message)) throw first;
      log(`first start failed (${(first as Error).message}); trying once more`);
      server = await startMariaDb({ log });
    }
    info = { host: server.host, port: server.port, user: server.user, password: server.password, socket: server.socket, version: server.version };
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`[mariadb] ${message}\n`);
    info = { host: '', port: 0, user: '', password: '', socket: '', version: '', error: message };
  }
  fs.writeFileSync(infoFile, JSON.stringify(info), { mode: 0o600 });
  process.env[SERVER_INFO_ENV] = infoFile;
  g.__DMS_TEST_MARIADB__ = { server, infoFile };
}
