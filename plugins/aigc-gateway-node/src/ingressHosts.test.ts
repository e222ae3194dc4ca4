import { IngressHosts } from './ingressHosts';

const id = '0b6f2f8e-4c1d-4d7e-9a55-3c2b1e0f9a11';
const other = 'ffffffff-4c1d-4d7e-9a55-3c2b1e0f9a11';

describe('IngressHosts', () => {
  const hosts = new IngressHosts('${instanceId}.engines.example.com');

  it('maps an instance to its host and back', () => {
    expect(hosts.hostOf(id)).toBe(`${id}.engines.example.com`);
    expect(hosts.urlOf(id)).toBe(`https://${id}.engines.example.com/`);
    expect(hosts.instanceOf(`${id}.engines.example.com`)).toBe(id);
    expect(hosts.instanceOf(`${id.toUpperCase()}.Engines.Example.com`)).toBe(
      id,
    );
  });

  it.each([
    [`${id}.engines.example.com.evil.test`],
    [`evil.test`],
    [`x${id}.engines.example.com`],
    [`${other}.${id}.engines.example.com`],
    [`${id}.engines.example.com:443`],
    [`${id}-engines.example.com`],
    [`not-a-uuid.engines.example.com`],
    [`.engines.example.com`],
    [''],
  ])('names no instance for %s', host => {
    expect(hosts.instanceOf(host)).toBeUndefined();
  });

  it('puts a port other than the scheme default in origins and URLs', () => {
    const local = new IngressHosts('${instanceId}.localhost', 'http', 7008);
    expect(local.originOf(id)).toBe(`http://${id}.localhost:7008`);
    expect(local.urlOf(id)).toBe(`http://${id}.localhost:7008/`);
    expect(
      new IngressHosts('${instanceId}.e.test', 'https', 443).originOf(id),
    ).toBe(`https://${id}.e.test`);
  });

  it('accepts the placeholder anywhere in the name', () => {
    const prefixed = new IngressHosts('sd-${instanceId}.gpu.example.com');
    expect(prefixed.instanceOf(`sd-${id}.gpu.example.com`)).toBe(id);
    expect(prefixed.instanceOf(`${id}.gpu.example.com`)).toBeUndefined();
  });

  it.each([
    ['engines.example.com'],
    ['${instanceId}.${instanceId}.example.com'],
    ['${instanceId}.exa mple.com'],
    ['${instanceId}.example.com/path'],
  ])('refuses the template %s', template => {
    expect(() => new IngressHosts(template)).toThrow(
      /must contain \$\{instanceId\} once/,
    );
  });
});
