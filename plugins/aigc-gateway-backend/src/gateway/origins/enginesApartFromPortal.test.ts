import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { assertEnginesApartFromPortal } from './enginesApartFromPortal';

const hosts = (template: string) => new IngressHosts(template, 'https');

describe('engine hosts apart from the portal', () => {
  it("refuses engine hosts that the portal user's cookie covers", () => {
    for (const template of [
      '${instanceId}.portal.example.com',
      '${instanceId}.engines.PORTAL.example.com',
      'e-${instanceId}.portal.example.com',
    ])
      expect(() =>
        assertEnginesApartFromPortal(
          hosts(template),
          'https://portal.example.com/api/aigc-gateway',
        ),
      ).toThrow(/under the backend's host portal\.example\.com/);
  });

  it('accepts engine hosts beside the portal, and under a one-label host', () => {
    expect(() =>
      assertEnginesApartFromPortal(
        hosts('${instanceId}.engines.example.com'),
        'https://portal.example.com/api/aigc-gateway',
      ),
    ).not.toThrow();
    expect(() =>
      assertEnginesApartFromPortal(
        hosts('${instanceId}.example-portal.com'),
        'https://portal.com/api/aigc-gateway',
      ),
    ).not.toThrow();
    expect(() =>
      assertEnginesApartFromPortal(
        hosts('${instanceId}.localhost'),
        'http://localhost:7007/api/aigc-gateway',
      ),
    ).not.toThrow();
  });
});
