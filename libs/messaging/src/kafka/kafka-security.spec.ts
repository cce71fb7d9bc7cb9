import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { createKafka } from './kafka-client.factory';
import {
  KafkaSecurityConfigError,
  kafkajsSecurity,
  kafkaSecurityFromConfig,
  kafkaSecurityProblems,
  refuseInvalidKafkaSecurity,
  type KafkaSecurityConfig,
} from './kafka-security';

const PEM = (label: string) => `-----BEGIN ${label}-----\nMIIBfake\n-----END ${label}-----\n`;

describe('Kafka TLS and SASL settings', () => {
  let dir: string;
  let ca: string;
  let cert: string;
  let key: string;
  const password = randomBytes(12).toString('hex');

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
    ca = join(dir, 'ca.pem');
    cert = join(dir, 'client.pem');
    key = join(dir, 'client.key');
    writeFileSync(ca, PEM('CERTIFICATE'));
    writeFileSync(cert, PEM('CERTIFICATE'));
    writeFileSync(key, PEM('PRIVATE KEY'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('kafkajsSecurity (the mapping)', () => {
    it('when the protocol is plaintext, then kafkajs gets neither ssl nor sasl', () => {
      expect(kafkajsSecurity({ protocol: 'plaintext' })).toEqual({});
    });

    it('when the protocol is ssl without a CA file, then TLS uses the system CAs', () => {
      expect(kafkajsSecurity({ protocol: 'ssl' })).toEqual({ ssl: true });
    });

    it('when the protocol is sasl_ssl with a CA file, then ssl carries the CA and sasl the credentials', () => {
      // Act
      const options = kafkajsSecurity({
        protocol: 'sasl_ssl',
        saslMechanism: 'scram-sha-256',
        saslUsername: 'checkout',
        saslPassword: password,
        sslCaFile: ca,
      });

      // Assert
      expect(options).toEqual({
        ssl: { ca: [PEM('CERTIFICATE')] },
        sasl: { mechanism: 'scram-sha-256', username: 'checkout', password },
      });
    });

    it('when the protocol is sasl_plaintext, then there is sasl and no ssl', () => {
      expect(
        kafkajsSecurity({
          protocol: 'sasl_plaintext',
          saslMechanism: 'plain',
          saslUsername: 'u',
          saslPassword: password,
        }),
      ).toEqual({ sasl: { mechanism: 'plain', username: 'u', password } });
    });

    it('when a client certificate and key are given, then ssl carries them for mutual TLS', () => {
      expect(
        kafkajsSecurity({ protocol: 'ssl', sslCaFile: ca, sslCertFile: cert, sslKeyFile: key }),
      ).toEqual({
        ssl: { ca: [PEM('CERTIFICATE')], cert: PEM('CERTIFICATE'), key: PEM('PRIVATE KEY') },
      });
    });

    it('when the settings are inconsistent, then it throws naming every key, and never the password', () => {
      // Act
      const thrown = (() => {
        try {
          kafkajsSecurity({ protocol: 'sasl_ssl', saslPassword: password });
        } catch (e) {
          return e;
        }
      })();

      // Assert
      expect(thrown).toBeInstanceOf(KafkaSecurityConfigError);
      const error = thrown as KafkaSecurityConfigError;
      expect(error.code).toBe('MESSAGING.KAFKA_SECURITY_CONFIG');
      expect(error.problems.map((p) => p.key)).toEqual([
        'KAFKA_SASL_MECHANISM',
        'KAFKA_SASL_USERNAME',
      ]);
      expect(error.message).not.toContain(password);
    });

    it('when createKafka gets inconsistent settings, then it refuses before connecting', () => {
      expect(() =>
        createKafka({
          clientId: 't',
          brokers: ['127.0.0.1:1'],
          security: { protocol: 'sasl_ssl' },
        }),
      ).toThrow(KafkaSecurityConfigError);
    });
  });

  describe('kafkaSecurityProblems (the refusals)', () => {
    const keysOf = (config: Partial<KafkaSecurityConfig>) =>
      kafkaSecurityProblems(
        kafkaSecurityFromConfig({ KAFKA_SECURITY_PROTOCOL: 'plaintext', ...config }),
      ).map((p) => `${p.key}: ${p.message}`);

    it('when the defaults are kept (plaintext, nothing else), then nothing is wrong', () => {
      expect(keysOf({})).toEqual([]);
    });

    it('when a SASL protocol lacks its mechanism, username and password, then each is required', () => {
      expect(keysOf({ KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext' })).toEqual([
        'KAFKA_SASL_MECHANISM: required when KAFKA_SECURITY_PROTOCOL is sasl_plaintext',
        'KAFKA_SASL_USERNAME: required when KAFKA_SECURITY_PROTOCOL is sasl_plaintext',
        'KAFKA_SASL_PASSWORD: required when KAFKA_SECURITY_PROTOCOL is sasl_plaintext',
      ]);
    });

    it('when a SASL username or mechanism is set with a protocol without SASL, then it is refused instead of ignored', () => {
      expect(
        keysOf({
          KAFKA_SECURITY_PROTOCOL: 'ssl',
          KAFKA_SASL_MECHANISM: 'plain',
          KAFKA_SASL_USERNAME: 'u',
        }),
      ).toEqual([
        'KAFKA_SASL_MECHANISM: set, but KAFKA_SECURITY_PROTOCOL ssl does not use SASL (use sasl_ssl or sasl_plaintext, or unset it)',
        'KAFKA_SASL_USERNAME: set, but KAFKA_SECURITY_PROTOCOL ssl does not use SASL (use sasl_ssl or sasl_plaintext, or unset it)',
      ]);
    });

    it('when only the SASL password is set with a protocol without SASL, then it is ignored (secrets may reach every deployment alike)', () => {
      // Arrange
      const config = {
        KAFKA_SECURITY_PROTOCOL: 'plaintext',
        KAFKA_SASL_PASSWORD: password,
      } as const;

      // Act / Assert
      expect(keysOf(config)).toEqual([]);
      expect(kafkajsSecurity(kafkaSecurityFromConfig(config))).toEqual({});
    });

    it('when a CA file is set with a protocol without TLS, then it is refused instead of ignored', () => {
      expect(keysOf({ KAFKA_SSL_CA_FILE: ca })).toEqual([
        'KAFKA_SSL_CA_FILE: set, but KAFKA_SECURITY_PROTOCOL plaintext does not use TLS (use ssl or sasl_ssl, or unset it)',
      ]);
    });

    it('when the CA file is missing, unreadable or not PEM, then it says which and why', () => {
      // Arrange
      const notPem = join(dir, 'not.pem');
      writeFileSync(notPem, 'just text');
      const unreadable = join(dir, 'unreadable.pem');
      writeFileSync(unreadable, PEM('CERTIFICATE'));
      chmodSync(unreadable, 0o000);
      const rootReadsAnyway = process.getuid?.() === 0;

      // Act
      const missing = keysOf({
        KAFKA_SECURITY_PROTOCOL: 'ssl',
        KAFKA_SSL_CA_FILE: join(dir, 'nope.pem'),
      });
      const text = keysOf({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_FILE: notPem });
      const denied = keysOf({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_FILE: unreadable });

      // Assert
      expect(missing).toEqual([`KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'nope.pem')} (ENOENT)`]);
      expect(text).toEqual([`KAFKA_SSL_CA_FILE: ${notPem} is not a PEM file`]);
      // root reads a file whatever its mode: the check is then only that it exists.
      expect(denied).toEqual(
        rootReadsAnyway ? [] : [`KAFKA_SSL_CA_FILE: cannot read ${unreadable} (EACCES)`],
      );
    });

    it('when a client certificate is set without its key, then the key is required', () => {
      expect(keysOf({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CERT_FILE: cert })).toEqual([
        'KAFKA_SSL_KEY_FILE: required when KAFKA_SSL_CERT_FILE is set (mutual TLS)',
      ]);
    });
  });

  describe('refuseInvalidKafkaSecurity (in a service schema)', () => {
    const schema = z
      .object({
        KAFKA_SECURITY_PROTOCOL: z.enum(['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl']),
        KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
        KAFKA_SASL_USERNAME: z.string().optional(),
        KAFKA_SASL_PASSWORD: z.string().optional(),
        KAFKA_SSL_CA_FILE: z.string().optional(),
      })
      .superRefine(refuseInvalidKafkaSecurity);

    it('when the settings are inconsistent, then the schema fails with an issue on each key', () => {
      // Act
      const result = schema.safeParse({
        KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
        KAFKA_SASL_MECHANISM: 'plain',
        KAFKA_SSL_CA_FILE: join(dir, 'nope.pem'),
      });

      // Assert
      expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual([
        'KAFKA_SASL_USERNAME',
        'KAFKA_SASL_PASSWORD',
        'KAFKA_SSL_CA_FILE',
      ]);
    });

    it('when the settings are consistent, then the schema passes', () => {
      expect(
        schema.safeParse({
          KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
          KAFKA_SASL_MECHANISM: 'plain',
          KAFKA_SASL_USERNAME: 'u',
          KAFKA_SASL_PASSWORD: password,
          KAFKA_SSL_CA_FILE: ca,
        }).success,
      ).toBe(true);
    });
  });
});
