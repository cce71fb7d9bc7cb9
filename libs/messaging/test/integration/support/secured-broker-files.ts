import { execFileSync } from 'node:child_process';

// The files of the throw-away secured broker (see secured-broker.ts): its key and trust stores,
// the client's PEM certificate and key, and server.properties.

/** Runs a command in `cwd`; a failure names it by `label` and carries its stderr. */
export function run(command: string, args: string[], cwd: string, label = args[0]): void {
  try {
    execFileSync(command, args, { cwd, stdio: 'pipe', timeout: 30_000 });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`${command} ${label ?? ''} failed: ${stderr || String(e)}`);
  }
}

/**
 * Generates the broker's key pair with keytool (self-signed for 127.0.0.1) and exports its
 * certificate as the CA PEM; a client key pair with openssl (keytool cannot write a private key
 * as PEM); a PKCS12 trust store with both (the broker trusts its own certificate for the
 * inter-broker listener and the client's for mutual TLS).
 */
export function generateKeys(dir: string, storePassword: string): void {
  const store = ['-storetype', 'PKCS12', '-storepass', storePassword];
  const keytool = (args: string) => run('keytool', [...args.split(' '), ...store], dir);
  keytool(
    `-genkeypair -alias broker -keyalg RSA -keysize 2048 -validity 2 -dname CN=127.0.0.1 -ext SAN=ip:127.0.0.1,dns:localhost -keystore broker.p12 -keypass ${storePassword}`,
  );
  keytool('-exportcert -rfc -alias broker -file ca.pem -keystore broker.p12');
  const client = '-subj /CN=rc-messaging-test-client -keyout client.key -out client.pem';
  run('openssl', `req -x509 -newkey rsa:2048 -nodes -days 1 ${client}`.split(' '), dir);
  keytool('-importcert -noprompt -alias broker -file ca.pem -keystore trust.p12');
  keytool('-importcert -noprompt -alias client -file client.pem -keystore trust.p12');
}

/**
 * The broker's configuration: a SASL_SSL listener (PLAIN users in the JAAS line, SCRAM-SHA-256
 * users in the metadata log, written by `format --add-scram`), an SSL listener that requires a
 * client certificate, and the KRaft controller on plaintext loopback. Inter-broker traffic (none
 * on one node, but the setting must name a listener) goes over SASL_SSL as `broker` with PLAIN.
 */
export function serverProperties(
  dir: string,
  ports: number[],
  secrets: Record<string, string>,
): string {
  const [saslSsl, mutualTls, controller] = ports;
  const { store, brokerPassword, username, password } = secrets;
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controller}
listeners=SASL_SSL://127.0.0.1:${saslSsl},SSL://127.0.0.1:${mutualTls},CONTROLLER://127.0.0.1:${controller}
advertised.listeners=SASL_SSL://127.0.0.1:${saslSsl},SSL://127.0.0.1:${mutualTls}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
inter.broker.listener.name=SASL_SSL
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256
sasl.mechanism.inter.broker.protocol=PLAIN
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="${brokerPassword}" user_broker="${brokerPassword}" user_${username}="${password}";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.ssl.ssl.client.auth=required
ssl.keystore.type=PKCS12
ssl.keystore.location=${dir}/broker.p12
ssl.keystore.password=${store}
ssl.key.password=${store}
ssl.truststore.type=PKCS12
ssl.truststore.location=${dir}/trust.p12
ssl.truststore.password=${store}
log.dirs=${dir}/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
`;
}
