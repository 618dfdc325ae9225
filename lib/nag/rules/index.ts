export { default as DMSEndpointSecretsManager } from './DMSEndpointSecretsManager';
export { default as DMSEndpointSsl } from './DMSEndpointSsl';
export { default as DMSInstanceEncrypted } from './DMSInstanceEncrypted';
export { default as DMSInstanceNotPublic } from './DMSInstanceNotPublic';
export { default as DMSProductionMultiAz } from './DMSProductionMultiAz';
export { default as DMSTaskLogging } from './DMSTaskLogging';
export { PRODUCTION_TAG } from './util';
