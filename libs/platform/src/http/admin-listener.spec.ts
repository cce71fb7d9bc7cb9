import { startDemo, type StartedDemo } from '../../test/fixtures/start-demo';
import { ConfigError } from '../config/load-config';

// The demo service has one admin route (/admin/demo): it is served on the admin listener only,
// and the public port answers it like any unknown route.
describe('the admin listener (demo service in-process)', () => {
  let demo: StartedDemo;

  beforeAll(async () => {
    demo = await startDemo();
  });

  afterAll(async () => {
    await demo?.service.shutdown('test');
  });

  it('when a service has admin routes, then they get their own port on loopback', () => {
    // Assert
    const admin = new URL(demo.service.adminUrl!);
    expect(admin.hostname).toBe('127.0.0.1');
    expect(admin.port).not.toBe(new URL(demo.url).port);
  });

  it('when an admin route is called on the admin port, then it answers', async () => {
    // Act
    const res = await fetch(`${demo.service.adminUrl}/admin/demo`);

    // Assert
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ admin: true });
  });

  it.each(['/admin/demo', '/admin/demo?x=1', '/%61dmin/demo', '/admin/nothing-here'])(
    'when %s is called on the public port, then it is a problem+json 404 like any unknown route',
    async (path) => {
      // Act
      const res = await fetch(`${demo.url}${path}`);

      // Assert
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 404, code: 'HTTP.NOT_FOUND' });
    },
  );

  it('when a public route is called on the admin port, then it is a problem+json 404', async () => {
    // Act
    const res = await fetch(`${demo.service.adminUrl}/v1/items/1`);

    // Assert
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'HTTP.NOT_FOUND' });
  });

  it('when the service shuts down, then the admin port is closed too', async () => {
    // Arrange
    const other = await startDemo();
    const adminUrl = other.service.adminUrl!;

    // Act
    await other.service.shutdown('test');

    // Assert
    await expect(fetch(`${adminUrl}/admin/demo`)).rejects.toThrow();
  });

  it('when ADMIN_PORT is the public port, then the service refuses to start', async () => {
    // Act
    const attempt = startDemo({ PORT: '3999', ADMIN_PORT: '3999' });

    // Assert
    await expect(attempt).rejects.toThrow(ConfigError);
  });
});
