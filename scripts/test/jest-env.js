// Test environment contract: integration and end-to-end tests reach the real infrastructure
// through these variables. Defaults point at the loopback services `npm run infra:up` provides.
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/rc_test';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
process.env.KAFKA_BROKERS ??= '127.0.0.1:9092';
