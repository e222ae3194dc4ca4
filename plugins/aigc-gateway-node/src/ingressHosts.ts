const PLACEHOLDER = '${instanceId}';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HOST_CHARS = /^[a-z0-9.-]*$/;

/**
 * What is wrong with an ingress host template, if anything.
 *
 * @public
 */
export function ingressHostTemplateProblem(
  template: string,
): string | undefined {
  const parts = template.toLowerCase().split(PLACEHOLDER.toLowerCase());
  return parts.length !== 2 ||
    !HOST_CHARS.test(parts[0]) ||
    !HOST_CHARS.test(parts[1])
    ? `the ingress host template '${template}' must contain \${instanceId} once and otherwise only letters, digits, '.' and '-'`
    : undefined;
}

/**
 * The public host name of each instance's Ingress, from a template such as
 * `${instanceId}.engines.example.com`. Both directions are exact: a host
 * names an instance only when it is that instance's host as a whole, never
 * because an instance's host appears somewhere inside it.
 *
 * @public
 */
export class IngressHosts {
  private readonly prefix: string;
  private readonly suffix: string;

  constructor(
    template: string,
    /** How browsers reach the hosts: `https` unless the ingress serves plain HTTP. */
    readonly scheme: 'https' | 'http' = 'https',
    /** The port browsers reach the hosts on, when not the scheme's default. */
    readonly port?: number,
  ) {
    const problem = ingressHostTemplateProblem(template);
    if (problem) throw new Error(problem);
    [this.prefix, this.suffix] = template
      .toLowerCase()
      .split(PLACEHOLDER.toLowerCase());
  }

  hostOf(instanceId: string): string {
    return `${this.prefix}${instanceId}${this.suffix}`;
  }

  /** The origin of the instance's pages, as browsers name it. */
  originOf(instanceId: string): string {
    const defaultPort = this.scheme === 'https' ? 443 : 80;
    const port =
      this.port === undefined || this.port === defaultPort
        ? ''
        : `:${this.port}`;
    return `${this.scheme}://${this.hostOf(instanceId)}${port}`;
  }

  /** Where a browser opens the instance. */
  urlOf(instanceId: string): string {
    return `${this.originOf(instanceId)}/`;
  }

  /** The instance whose host this is, compared case-insensitively as DNS names are. */
  instanceOf(host: string): string | undefined {
    const name = host.toLowerCase();
    if (!name.startsWith(this.prefix) || !name.endsWith(this.suffix))
      return undefined;
    const id = name.slice(this.prefix.length, name.length - this.suffix.length);
    return UUID.test(id) && this.hostOf(id) === name ? id : undefined;
  }
}
