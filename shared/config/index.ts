export { loadConfig } from './load';
export { envSchema, type Config } from './schema';
