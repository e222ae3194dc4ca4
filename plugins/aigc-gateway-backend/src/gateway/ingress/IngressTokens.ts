import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';

/**
 * What an ingress token grants: `user` may open the engine at `host`, which
 * belonged to `owner` when it was issued. A ticket lives a minute and
 * travels once in a redirect URL; a session lives in a cookie of that host.
 */
export interface IngressGrant {
  kind: 'ticket' | 'session';
  host: string;
  user: string;
  owner: string;
  /** Whether the user may start the instance (the release permission at sign-in), so its address may wake it. */
  mayWake?: boolean;
  /** Expiry, in milliseconds since the epoch. */
  expiresAt: number;
}

/** Verified tokens kept; when full, the memory starts over. */
const MAX_VERIFIED = 10_000;

/** Signs and checks ingress grants with the gateway's key (HMAC-SHA256). */
export class IngressTokens {
  private readonly verified = new Map<string, IngressGrant>();

  constructor(
    private readonly key: Buffer,
    private readonly clock: GatewayClock,
  ) {}

  /** A signed token; its signature (after the dot) is unique, a nonce making equal grants differ. */
  issue(grant: Omit<IngressGrant, 'expiresAt'>, lifetimeMs: number): string {
    const nonce = randomBytes(9).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        ...grant,
        expiresAt: this.clock.now().getTime() + lifetimeMs,
        nonce,
      }),
    ).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The grant, when the token is intact, of this kind, for this host and not expired. */
  verify(
    token: string | undefined,
    kind: IngressGrant['kind'],
    host: string,
  ): IngressGrant | undefined {
    const grant = token === undefined ? undefined : this.intact(token);
    const valid =
      grant !== undefined &&
      grant.kind === kind &&
      grant.host === host &&
      !this.expired(grant);
    return valid ? grant : undefined;
  }

  /** True once the grant's time is up. */
  expired(grant: IngressGrant): boolean {
    return grant.expiresAt <= this.clock.now().getTime();
  }

  /**
   * The grant a token carries, when its signature holds. A browser sends
   * its session with every request to its engine: a token's signature is
   * checked once and its grant kept, while it is valid at all.
   */
  private intact(token: string): IngressGrant | undefined {
    const known = this.verified.get(token);
    if (known) return known;
    const [payload, signature, ...rest] = token.split('.');
    if (!payload || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return undefined;
    const { nonce: _nonce, ...grant } = JSON.parse(
      Buffer.from(payload, 'base64url').toString(),
    ) as IngressGrant & {
      nonce: string;
    };
    if (this.expired(grant)) return grant;
    if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    this.verified.set(token, grant);
    return grant;
  }

  private sign(payload: string) {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
