import { Fn, IResource, Resource, Stack } from 'aws-cdk-lib';
import * as dms from 'aws-cdk-lib/aws-dms';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DMS_IDENTIFIER } from '../config/schema';
import { SslEngine, unsupportedSslMode } from '../config/dms-catalog';
import { grantSecretRead } from './secret-access';

export type EndpointType = 'source' | 'target';

export interface IEndpoint extends IResource {
  readonly endpointArn: string;
  readonly endpointIdentifier: string;
  readonly endpointType: EndpointType;
  /** DMS engine name (`sqlserver`, `aurora`). */
  readonly engineName: string;
}

export interface EndpointAttributes {
  readonly endpointArn: string;
  readonly endpointIdentifier: string;
  readonly endpointType: EndpointType;
  readonly engineName: string;
}

/**
 * SSL modes DMS supports for a SQL Server endpoint: the "Microsoft SQL Server" row of the table in
 * "Using SSL with AWS DMS" (verify-ca is "Not Supported").
 */
export enum SqlServerSslMode {
  NONE = 'none',
  REQUIRE = 'require',
  VERIFY_FULL = 'verify-full',
}

/**
 * SSL modes DMS supports for a MySQL-compatible endpoint (Aurora MySQL included): the
 * "MySQL/MariaDB/Amazon Aurora MySQL" row of the same table (require is "Not supported").
 */
export enum MySqlSslMode {
  NONE = 'none',
  VERIFY_CA = 'verify-ca',
  VERIFY_FULL = 'verify-full',
}

/** What every endpoint construct shares: credentials only through Secrets Manager. */
export interface EndpointBaseProps {
  /** Lowercase DMS endpoint identifier, unique in the account and region. */
  readonly endpointIdentifier: string;
  /**
   * The secret with DMS's keys `username`, `password`, `host` and `port`. DMS refuses a
   * secret together with ServerName/Port/Username/Password, so none of those is ever set here.
   */
  readonly secret: secretsmanager.ISecret;
  /**
   * The customer managed key the secret is encrypted with.
   * @default - the secret uses the AWS managed key aws/secretsmanager
   */
  readonly secretEncryptionKey?: kms.IKey;
  /**
   * A DMS certificate: the CA bundle DMS verifies the server against (verify-ca / verify-full).
   * @default - none (required for verify-ca and verify-full)
   */
  readonly certificateArn?: string;
  /**
   * The role DMS assumes to read the secret.
   * @default - a role trusted by the regional DMS principal that can read only this secret (and decrypt it with its key)
   */
  readonly accessRole?: iam.IRole;
}

abstract class EndpointBase extends Resource implements IEndpoint {
  public abstract readonly endpointArn: string;
  public abstract readonly endpointIdentifier: string;
  public abstract readonly endpointType: EndpointType;
  public abstract readonly engineName: string;
}

/** Imports an endpoint created elsewhere. */
export function endpointFromAttributes(scope: Construct, id: string, attrs: EndpointAttributes): IEndpoint {
  class Import extends EndpointBase {
    public readonly endpointArn = attrs.endpointArn;
    public readonly endpointIdentifier = attrs.endpointIdentifier;
    public readonly endpointType = attrs.endpointType;
    public readonly engineName = attrs.engineName;
  }
  return new Import(scope, id);
}

function validateIdentifier(scope: Construct, identifier: string): void {
  if (identifier.length > 255 || !DMS_IDENTIFIER.test(identifier) || identifier !== identifier.toLowerCase()) {
    throw new Error(
      `${scope.node.path}: endpointIdentifier "${identifier}" must be lowercase letters, digits and single hyphens, starting with a letter`,
    );
  }
}

function validateSsl(scope: Construct, engine: SslEngine, sslMode: string, certificateArn: string | undefined): void {
  const unsupported = unsupportedSslMode(engine, sslMode);
  if (unsupported) throw new Error(`${scope.node.path}: sslMode ${unsupported}`);
  if (sslMode.startsWith('verify-') && !certificateArn) {
    throw new Error(`${scope.node.path}: sslMode "${sslMode}" needs certificateArn (the CA DMS verifies the server against)`);
  }
}

/** The role DMS assumes to read one secret, and nothing else. */
function secretAccessRole(scope: Construct, secret: secretsmanager.ISecret, key: kms.IKey | undefined): iam.IRole {
  const role = new iam.Role(scope, 'SecretAccessRole', {
    // DMS documents the regional service principal for secret access roles.
    assumedBy: new iam.ServicePrincipal(Fn.join('.', ['dms', Stack.of(scope).region, 'amazonaws.com'])),
    description: `Lets DMS read ${scope.node.path} credentials from Secrets Manager`,
  });
  grantSecretRead(role, secret, key);
  return role;
}

/** What differs between the engines; the rest (identifier, SSL, secret access role) is shared. */
interface EngineSpec {
  readonly endpointType: EndpointType;
  readonly engineName: string;
  /** The row of the SSL table that covers the engine. */
  readonly sslEngine: SslEngine;
  readonly sslMode: string;
  readonly databaseName?: string;
  /** The engine settings block holding the secret and the access role. */
  readonly settings: (secret: { secretsManagerSecretId: string; secretsManagerAccessRoleArn: string }) => Partial<dms.CfnEndpointProps>;
}

/** An endpoint whose credentials come only from Secrets Manager, through a role scoped to that secret. */
abstract class SecretsManagerEndpoint extends EndpointBase {
  public readonly endpointArn: string;
  public readonly endpointIdentifier: string;
  public readonly endpointType: EndpointType;
  public readonly engineName: string;
  public readonly accessRole: iam.IRole;

  protected constructor(scope: Construct, id: string, props: EndpointBaseProps, spec: EngineSpec) {
    super(scope, id, { physicalName: props.endpointIdentifier });
    validateIdentifier(this, props.endpointIdentifier);
    validateSsl(this, spec.sslEngine, spec.sslMode, props.certificateArn);
    this.accessRole = props.accessRole ?? secretAccessRole(this, props.secret, props.secretEncryptionKey);
    const resource = new dms.CfnEndpoint(this, 'Resource', {
      endpointIdentifier: props.endpointIdentifier,
      resourceIdentifier: props.endpointIdentifier.length <= 31 ? props.endpointIdentifier : undefined,
      endpointType: spec.endpointType,
      engineName: spec.engineName,
      databaseName: spec.databaseName,
      sslMode: spec.sslMode,
      certificateArn: props.certificateArn,
      ...spec.settings({ secretsManagerSecretId: props.secret.secretArn, secretsManagerAccessRoleArn: this.accessRole.roleArn }),
    });
    // DMS tests the connection when the endpoint is created: the role's policy must exist first.
    resource.node.addDependency(this.accessRole);
    this.endpointArn = resource.ref;
    this.endpointIdentifier = props.endpointIdentifier;
    this.endpointType = spec.endpointType;
    this.engineName = spec.engineName;
  }
}

export interface SqlServerSourceEndpointProps extends EndpointBaseProps {
  /** The SQL Server database to migrate. */
  readonly databaseName: string;
  /**
   * @default SqlServerSslMode.REQUIRE
   */
  readonly sslMode?: SqlServerSslMode;
}

/** A SQL Server source endpoint (`sqlserver`), credentials from Secrets Manager. */
export class SqlServerSourceEndpoint extends SecretsManagerEndpoint {
  public readonly sslMode: SqlServerSslMode;

  constructor(scope: Construct, id: string, props: SqlServerSourceEndpointProps) {
    const sslMode = props.sslMode ?? SqlServerSslMode.REQUIRE;
    super(scope, id, props, {
      endpointType: 'source',
      engineName: 'sqlserver',
      sslEngine: 'sqlserver',
      sslMode,
      databaseName: props.databaseName,
      settings: (secret) => ({ microsoftSqlServerSettings: secret }),
    });
    this.sslMode = sslMode;
  }
}

/** The documented script that lets DMS load tables in any order without FK errors. */
export const DISABLE_FOREIGN_KEY_CHECKS = 'SET FOREIGN_KEY_CHECKS=0';

export interface AuroraMySqlTargetEndpointProps extends EndpointBaseProps {
  /**
   * Verifies the chain and the host name; needs `certificateArn`. Aurora MySQL 8.4 refuses
   * connections without TLS ("Using SSL with AWS DMS").
   * @default MySqlSslMode.VERIFY_FULL
   */
  readonly sslMode?: MySqlSslMode;
  /**
   * Run on each connection DMS opens to the target. Empty string: none.
   * @default DISABLE_FOREIGN_KEY_CHECKS (load without FK checks)
   */
  readonly afterConnectScript?: string;
  /**
   * @default - none: SCT maps each SQL Server schema to its own database, named in the table mappings
   */
  readonly databaseName?: string;
}

/** An Aurora MySQL target endpoint (`aurora`), credentials from Secrets Manager. */
export class AuroraMySqlTargetEndpoint extends SecretsManagerEndpoint {
  public readonly sslMode: MySqlSslMode;

  constructor(scope: Construct, id: string, props: AuroraMySqlTargetEndpointProps) {
    const sslMode = props.sslMode ?? MySqlSslMode.VERIFY_FULL;
    const script = props.afterConnectScript ?? DISABLE_FOREIGN_KEY_CHECKS;
    super(scope, id, props, {
      endpointType: 'target',
      engineName: 'aurora',
      sslEngine: 'mysql',
      sslMode,
      databaseName: props.databaseName,
      settings: (secret) => ({ mySqlSettings: { ...secret, afterConnectScript: script === '' ? undefined : script } }),
    });
    this.sslMode = sslMode;
  }
}
