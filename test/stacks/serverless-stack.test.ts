import { buildTestApp, exampleEnvironment } from '../support/app';

/**
 * An environment switched to DMS Serverless: the stack does not build one yet (README "DMS
 * Serverless"), and says so at synth rather than deploying a migration without runbook and alarms.
 */
describe('an environment with replication.serverless', () => {
  test('is refused at synth, naming the file, the environment and the field', () => {
    const dev = exampleEnvironment('dev', { replicationInstance: undefined, replication: { serverless: { minCapacityUnits: 2, maxCapacityUnits: 16 } } });
    expect(() => buildTestApp({ dev })).toThrow(
      /^cdk\.json: environment "dev": replication\.serverless: this stack does not build DMS Serverless environments yet/,
    );
  });
});
