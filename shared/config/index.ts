export { loadConfig } from './load';
export { envSchema, type Config } from './schema';
export { ASYMMETRIC_ALGORITHMS, type ExternalIssuer, type SigningKeyEntry, type TenantOverrides } from './json-values';
