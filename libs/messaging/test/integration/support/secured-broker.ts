import { closedPort } from '@rc/testing';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createKafka, type KafkaSecurityOptions } from '../../../src';
import { generateKeys, run, serverProperties } from './secured-broker-files';

/**
 * A second, throw-away single-node KRaft broker with TLS and SASL, from the same Apache Kafka
 * jars the dev broker runs (`.infra/kafka/libs`, fetched by `npm run infra:up`). It never
 * touches the dev broker: its own ports (below the ephemeral range), its own temporary
 * directory with its log dirs, key stores and credentials, all generated per run.
 */
export interface SecuredBroker {
  /** `host:port` of the SASL_SSL listener (PLAIN and SCRAM-SHA-256). */
  saslSsl: string;
  /** `host:port` of the SSL listener that requires a client certificate (mutual TLS). */
  mutualTls: string;
  /** PEM of the broker's self-signed certificate (keytool -exportcert -rfc): the CA to trust. */
  caFile: string;
  /** PEM client certificate and its key, trusted by the broker's SSL listener. */
  clientCertFile: string;
  clientKeyFile: string;
  /** A user known to both mechanisms, with a password generated for this run. */
  username: string;
  password: string;
  /** Settings that reach the SASL_SSL listener as `username`. */
  saslSslSecurity(mechanism: 'plain' | 'scram-sha-256', password?: string): KafkaSecurityOptions;
  /** Stops the broker (by its pid) and removes its directory. */
  stop(): Promise<void>;
}

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'deploy/kafka/pom.xml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root (deploy/kafka/pom.xml) not found');
    dir = parent;
  }
  return dir;
}

async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await closedPort());
  return [...ports];
}

/**
 * A small heap, the serial collector and the C1 compiler only: a broker that lives for a few
 * seconds starts faster and takes less CPU from the suites running beside it that way.
 */
const JVM_FLAGS = ['-Xms128m', '-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'];

const secret = () => randomBytes(12).toString('hex');

/** Resolves when the process has exited, or after `ms`. */
function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts the broker and waits until the SASL_SSL listener answers metadata (about 5–10 s). */
export async function startSecuredBroker(): Promise<SecuredBroker> {
  const root = repoRoot();
  const jars = join(root, '.infra/kafka/libs');
  // infra:up fetches the jars only when it starts the broker itself: with a broker that is not
  // this checkout's already on 9092, fetch them here (mvn, Maven Central; once per checkout).
  if (!existsSync(join(jars, '.pom.sha'))) {
    const fetched = spawnSync('bash', [join(root, 'scripts/infra/infra.sh'), 'kafka-jars'], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (fetched.status !== 0 || !existsSync(join(jars, '.pom.sha')))
      throw new Error(
        `the Kafka jars could not be fetched into ${jars} (scripts/infra/infra.sh kafka-jars): ${fetched.stderr || fetched.error?.message || ''}`,
      );
  }
  const dir = mkdtempSync(join(tmpdir(), 'rc-kafka-secured-'));
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child) {
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        child.kill('SIGKILL');
        await exited(child, 5_000);
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports = await distinctPorts(3);
    const secrets = {
      store: secret(),
      brokerPassword: secret(),
      username: 'rc-test',
      password: secret(),
    };
    generateKeys(dir, secrets.store);
    writeFileSync(join(dir, 'server.properties'), serverProperties(dir, ports, secrets));
    const java = (args: string[]) => [
      ...JVM_FLAGS,
      `-Dkafka.logs.dir=${dir}/logs`,
      `-Dlog4j2.configurationFile=${root}/deploy/kafka/log4j2.properties`,
      ...['-cp', `${jars}/*`, ...args],
    ];
    const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
    run(
      'java',
      java([
        'kafka.tools.StorageTool',
        'format',
        `--cluster-id=${clusterId}`,
        '-c',
        'server.properties',
        '--add-scram',
        `SCRAM-SHA-256=[name=${secrets.username},password=${secrets.password}]`,
      ]),
      dir,
      'kafka-storage format',
    );
    const out = openSync(join(dir, 'stdout.log'), 'a');
    child = spawn('java', java(['kafka.Kafka', 'server.properties']), {
      cwd: dir,
      stdio: ['ignore', out, out],
    });
    closeSync(out);
    process.once('exit', killOnExit);
    const broker: SecuredBroker = {
      saslSsl: `127.0.0.1:${ports[0]}`,
      mutualTls: `127.0.0.1:${ports[1]}`,
      caFile: join(dir, 'ca.pem'),
      clientCertFile: join(dir, 'client.pem'),
      clientKeyFile: join(dir, 'client.key'),
      username: secrets.username,
      password: secrets.password,
      saslSslSecurity: (mechanism, password = secrets.password) => ({
        protocol: 'sasl_ssl',
        saslMechanism: mechanism,
        saslUsername: secrets.username,
        saslPassword: password,
        sslCaFile: join(dir, 'ca.pem'),
      }),
      stop,
    };
    await waitUntilAnswers(broker, child, dir);
    return broker;
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitUntilAnswers(broker: SecuredBroker, child: ChildProcess, dir: string) {
  const kafka = createKafka({
    clientId: 'secured-broker-ready',
    brokers: [broker.saslSsl],
    security: broker.saslSslSecurity('plain'),
    retry: { retries: 0 },
  });
  const deadline = Date.now() + 45_000;
  for (;;) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return;
    } catch (e) {
      const tail = (file: string) =>
        existsSync(join(dir, file))
          ? readFileSync(join(dir, file), 'utf8').split('\n').slice(-10).join('\n')
          : '';
      const log = () => `${tail('stdout.log')}\n${tail('logs/server.log')}`;
      if (child.exitCode !== null) throw new Error(`the secured broker exited:\n${log()}`);
      if (Date.now() > deadline)
        throw new Error(`the secured broker did not answer in 45 s (${String(e)})`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
