import type { V1Ingress, V1Pod } from '@kubernetes/client-node';
import { IngressHosts } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { IngressSettings } from '../config/runtimeConfig';
import { LABELS } from './labels';
import { ownedBy } from './ownedBy';

/**
 * The Ingress of an instance's own host, to its Service, owned by the pod
 * like the Service. ingress-nginx asks the gateway's forward-auth endpoint,
 * at a URL that names the instance, about every request and sends a browser without a session to the
 * gateway's sign-in; `annotations` adds to or replaces these, e.g. for
 * another controller.
 */
export function ingressManifest(
  pod: V1Pod,
  ingress: IngressSettings,
  hosts: IngressHosts,
): V1Ingress {
  const metadata = pod.metadata!;
  const instanceId = metadata.labels![LABELS.instance];
  const host = hosts.hostOf(instanceId);
  // The instance's id in its own auth URL: the gateway does not take the
  // host nginx reports (built from a Host header the client chooses) alone.
  const authUrl = new URL(ingress.authUrl);
  authUrl.searchParams.set('instance', instanceId);
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: {
      name: metadata.name,
      namespace: metadata.namespace,
      labels: metadata.labels,
      annotations: {
        'nginx.ingress.kubernetes.io/auth-url': authUrl.toString(),
        'nginx.ingress.kubernetes.io/auth-signin': ingress.signInUrl,
        'nginx.ingress.kubernetes.io/auth-response-headers':
          'X-Auth-Request-User',
        // Engines stream progress over WebSockets for as long as a job runs.
        'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
        'nginx.ingress.kubernetes.io/proxy-body-size': '0',
        ...ingress.annotations,
      },
      ownerReferences: ownedBy(pod),
    },
    spec: {
      ingressClassName: ingress.className,
      tls: ingress.tlsSecretName
        ? [{ hosts: [host], secretName: ingress.tlsSecretName }]
        : undefined,
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: {
                  service: { name: metadata.name!, port: { name: 'http' } },
                },
              },
            ],
          },
        },
      ],
    },
  };
}
