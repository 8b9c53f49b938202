export { purgeExpired, RetentionPurge, type PurgeLimits } from './purge';
