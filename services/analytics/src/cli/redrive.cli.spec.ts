import { runRedriveCli } from './redrive.cli';

/** Collects what the CLI prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('redrive CLI', () => {
  it('when Kafka is sasl_ssl without a username or mechanism, then it exits 2 naming them and never prints the password', async () => {
    // Arrange
    const password = `pw-${Math.random().toString(36).slice(2)}`;
    const { io, out, err } = capture();

    // Act
    const code = await runRedriveCli(['orders.dlq'], io, {
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_PASSWORD: password,
    });

    // Assert
    expect(code).toBe(2);
    expect(out).toEqual([]);
    const message = err.join('\n');
    expect(message).toMatch(
      /KAFKA_SASL_MECHANISM: required when KAFKA_SECURITY_PROTOCOL is sasl_ssl/,
    );
    expect(message).toMatch(
      /KAFKA_SASL_USERNAME: required when KAFKA_SECURITY_PROTOCOL is sasl_ssl/,
    );
    expect(message).not.toContain(password);
  });

  it('when the CA file cannot be read, then it exits 2 naming KAFKA_SSL_CA_FILE', async () => {
    // Arrange
    const { io, err } = capture();

    // Act
    const code = await runRedriveCli(['orders.dlq'], io, {
      KAFKA_SECURITY_PROTOCOL: 'ssl',
      KAFKA_SSL_CA_FILE: '/nonexistent/kafka-ca.pem',
    });

    // Assert
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/kafka-ca\.pem/);
  });
});
