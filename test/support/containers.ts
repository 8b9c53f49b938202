import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import type { SERVICE_VARS } from './services';

const started: StartedTestContainer[] = [];

/** Starts the named services as containers (only where a container runtime exists). */
export async function startContainers(names: (keyof typeof SERVICE_VARS)[]): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const name of names) {
    if (name === 'postgres') {
      const c = await new GenericContainer('postgres:15')
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
        .withExposedPorts(5432)
        .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
        .start();
      started.push(c);
      env.DATABASE_URL = `postgres://postgres@${c.getHost()}:${c.getMappedPort(5432)}/test`;
    } else if (name === 'redis') {
      const c = await new GenericContainer('redis:7').withExposedPorts(6379).start();
      started.push(c);
      env.REDIS_URL = `redis://${c.getHost()}:${c.getMappedPort(6379)}`;
    } else if (name === 'kafka') {
      const c = await new GenericContainer('apache/kafka:3.9.1')
        .withExposedPorts({ container: 9092, host: 9092 })
        .withEnvironment({ KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false' })
        .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
        .start();
      started.push(c);
      env.KAFKA_BROKERS = `${c.getHost()}:9092`;
    } else if (name === 'registry') {
      const c = await new GenericContainer('apicurio/apicurio-registry:3.0.6')
        .withExposedPorts(8080)
        .withEnvironment({ APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD' })
        .start();
      started.push(c);
      env.SCHEMA_REGISTRY_URL = `http://${c.getHost()}:${c.getMappedPort(8080)}/apis/ccompat/v7`;
    }
  }
  return env;
}

export async function stopContainers(): Promise<void> {
  await Promise.all(started.map((c) => c.stop()));
}
