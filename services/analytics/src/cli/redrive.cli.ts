import { createKafka, kafkaSecurityFromConfig } from '@rc/messaging';
import { ConfigError, loadConfig } from '@rc/platform';
import { RedriveDeadLetters } from '../application/redrive-dead-letters.command';
import { analyticsConfigSchema } from '../config/analytics.config';
import { KafkaDeadLetterRedriver } from '../infrastructure/kafka-dead-letter.redriver';
import { parseRedriveArgs, REDRIVE_USAGE } from './redrive-args';

/** Where the CLI writes: stdout for the JSON result, stderr for messages. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `npm run redrive -w services/analytics -- <dlq-topic> [--limit N]`: moves up to N messages
 * of a dead-letter topic back to the topic they came from (after the cause was fixed), using
 * the service's own config (KAFKA_BROKERS and the Kafka TLS/SASL keys, ANALYTICS_TOPICS,
 * REDRIVE_*). Prints one JSON line `{dlqTopic, redriven, timedOut}`. Exit codes: 0 done, 2 bad
 * arguments or config (inconsistent Kafka security settings included), 1 failure.
 * `env` replaces the process environment (tests); by default the config module reads it.
 */
export async function runRedriveCli(
  argv: readonly string[],
  io: CliOutput,
  env?: Record<string, string | undefined>,
): Promise<number> {
  let args;
  let config;
  try {
    args = parseRedriveArgs(argv);
    config = loadConfig(analyticsConfigSchema, env);
  } catch (e) {
    io.err(e instanceof ConfigError ? e.message : `${(e as Error).message}\n${REDRIVE_USAGE}`);
    return 2;
  }
  const kafka = createKafka({
    clientId: `${config.SERVICE_NAME}-redrive`,
    brokers: config.KAFKA_BROKERS,
    security: kafkaSecurityFromConfig(config),
    logger: (level, message) => {
      if (level === 'error') io.err(message);
    },
  });
  const command = new RedriveDeadLetters(
    new KafkaDeadLetterRedriver(kafka, config.REDRIVE_TIMEOUT_MS),
    config.ANALYTICS_TOPICS,
  );
  try {
    const outcome = await command.execute({
      topic: args.topic,
      limit: args.limit ?? config.REDRIVE_DEFAULT_LIMIT,
    });
    io.out(JSON.stringify(outcome));
    return 0;
  } catch (e) {
    io.err(`redrive failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  void runRedriveCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then((code) => {
    process.exitCode = code;
  });
}
