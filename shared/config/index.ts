export { loadConfig } from './load';
export { DEV_API_KEY_PEPPER, DEV_COMMAND_SIGNING_KEY, DEV_JWT_SIGNING_SEED, envSchema, type Config } from './schema';
export { ASYMMETRIC_ALGORITHMS, type ExternalIssuer, type SigningKeyEntry, type TenantOverrides } from './json-values';
