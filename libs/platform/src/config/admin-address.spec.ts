import { adminAddress } from './admin-address';
import { platformConfigSchema } from './config-schema';
import { ConfigError, loadConfig } from './load-config';

const configOf = (env: Record<string, string>) => loadConfig(platformConfigSchema, env);

describe('adminAddress', () => {
  it('when nothing is set, then the admin API listens on loopback at the public port + 1000', () => {
    // Act
    const address = adminAddress(configOf({ PORT: '3002' }));

    // Assert
    expect(address).toEqual({ host: '127.0.0.1', port: 4002 });
  });

  it('when PORT is 0 (tests), then the admin API takes any free port too', () => {
    expect(adminAddress(configOf({ PORT: '0' }))).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it('when ADMIN_PORT and ADMIN_HOST are set, then they are used', () => {
    // Act
    const address = adminAddress(
      configOf({ PORT: '3000', ADMIN_PORT: '9100', ADMIN_HOST: '0.0.0.0' }),
    );

    // Assert
    expect(address).toEqual({ host: '0.0.0.0', port: 9100 });
  });

  it('when ADMIN_PORT equals PORT, then it refuses to start naming ADMIN_PORT', () => {
    // Act
    const attempt = () => adminAddress(configOf({ PORT: '3000', ADMIN_PORT: '3000' }));

    // Assert
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/ADMIN_PORT: must differ from PORT \(3000\)/);
  });

  it('when the default would pass 65535, then it refuses to start and asks for ADMIN_PORT', () => {
    // Act
    const attempt = () => adminAddress(configOf({ PORT: '65000' }));

    // Assert
    expect(attempt).toThrow(/ADMIN_PORT: not set, and the default PORT \+ 1000 \(66000\)/);
  });

  it.each([
    ['ADMIN_PORT', '70000', /ADMIN_PORT: .*got "70000"/],
    ['ADMIN_PORT', 'four-thousand', /ADMIN_PORT: .*got "four-thousand"/],
    ['ADMIN_PORT', '-1', /ADMIN_PORT: /],
    ['ADMIN_HOST', 'local host; rm -rf', /ADMIN_HOST: must be an IP address or a host name/],
    ['ALLOW_DESTRUCTIVE_FAULTS', 'maybe', /ALLOW_DESTRUCTIVE_FAULTS: /],
  ])('when %s is %j, then the config is refused naming the key', (key, value, message) => {
    expect(() => configOf({ [key]: value })).toThrow(message);
  });

  it('when ALLOW_DESTRUCTIVE_FAULTS is not set, then destructive faults are not allowed', () => {
    expect(configOf({}).ALLOW_DESTRUCTIVE_FAULTS).toBe(false);
    expect(configOf({ ALLOW_DESTRUCTIVE_FAULTS: 'true' }).ALLOW_DESTRUCTIVE_FAULTS).toBe(true);
  });
});
