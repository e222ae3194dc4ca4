import { IncomingMessage } from 'node:http';
import { parse as parseCookies } from 'cookie';
import { AuthenticationError } from '@backstage/errors';
import { UserCredentialsCache } from './UserCredentialsCache';

/**
 * An HttpAuthService that knows tokens "alice" and "bob" and counts its
 * verifications. It reads the request as Backstage's does (backend-defaults'
 * httpAuth): the bearer token, else the `cookie` package's parse of the header.
 */
function fakeHttpAuth() {
  const calls: string[] = [];
  const httpAuth = {
    credentials: async (req: IncomingMessage) => {
      const bearer = /^Bearer[ ]+(\S+)$/i.exec(
        String(req.headers.authorization ?? ''),
      )?.[1];
      const token =
        bearer ??
        (req.headers.cookie
          ? parseCookies(req.headers.cookie)['backstage-auth']
          : undefined);
      calls.push(token ?? '');
      if (token !== 'alice' && token !== 'bob')
        throw new AuthenticationError('bad token');
      return {
        $$type: '@backstage/BackstageCredentials',
        principal: { type: 'user', userEntityRef: token },
      };
    },
  };
  return { httpAuth: httpAuth as any, calls };
}

const req = (headers: Record<string, string>) =>
  ({ headers } as unknown as IncomingMessage);

describe('UserCredentialsCache', () => {
  it('verifies a token once, keeps failures out, and forgets the oldest when full', async () => {
    const { httpAuth, calls } = fakeHttpAuth();
    const cache = new UserCredentialsCache(httpAuth, {
      maxEntries: 1,
      maxAgeMs: 60_000,
    });
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    expect(calls).toEqual(['alice']);

    await expect(
      cache.credentials(req({ authorization: 'Bearer mallory' })),
    ).rejects.toThrow('bad token');
    await expect(
      cache.credentials(req({ authorization: 'Bearer mallory' })),
    ).rejects.toThrow('bad token');
    expect(calls).toEqual(['alice', 'mallory', 'mallory']);

    await cache.credentials(req({ cookie: 'x=1; backstage-auth=bob' }));
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    expect(calls).toEqual(['alice', 'mallory', 'mallory', 'bob', 'alice']);
  });

  it('keys a request by the token Backstage would read, so a malformed header cannot borrow an entry', async () => {
    const { httpAuth } = fakeHttpAuth();
    const cache = new UserCredentialsCache(httpAuth, {
      maxEntries: 10,
      maxAgeMs: 60_000,
    });
    const viaCookie = await cache.credentials(
      req({ authorization: 'Basic x', cookie: 'backstage-auth=bob' }),
    );
    expect(viaCookie.principal.userEntityRef).toBe('bob');
    const other = await cache.credentials(
      req({ authorization: 'Basic x', cookie: 'backstage-auth=alice' }),
    );
    expect(other.principal.userEntityRef).toBe('alice');
  });

  it.each([
    [
      'a name with a non-breaking space',
      'a=1; \xa0backstage-auth=ATTACKER-CHOSEN-KEY; backstage-auth=alice',
    ],
    [
      'a name with a space before the equals sign',
      'backstage-auth =alice; backstage-auth=ATTACKER-CHOSEN-KEY',
    ],
    [
      'the cookie twice',
      'backstage-auth=alice; backstage-auth=ATTACKER-CHOSEN-KEY',
    ],
  ])(
    'never lets a string the attacker chose stand for the token Backstage verified (%s)',
    async (_, victimCookie) => {
      const { httpAuth, calls } = fakeHttpAuth();
      const cache = new UserCredentialsCache(httpAuth, {
        maxEntries: 10,
        maxAgeMs: 60_000,
      });
      // The victim's browser sends the crafted header; Backstage verifies alice's token in it.
      expect(
        (await cache.credentials(req({ cookie: victimCookie }))).principal
          .userEntityRef,
      ).toBe('alice');
      // The attacker knows only the chosen string.
      await expect(
        cache.credentials(
          req({ cookie: 'backstage-auth=ATTACKER-CHOSEN-KEY' }),
        ),
      ).rejects.toThrow('bad token');
      expect(calls).toEqual(['alice', 'ATTACKER-CHOSEN-KEY']);
    },
  );

  it('verifies again after the entry has aged out', async () => {
    const { httpAuth, calls } = fakeHttpAuth();
    let now = 0;
    const cache = new UserCredentialsCache(httpAuth, {
      maxEntries: 10,
      maxAgeMs: 1000,
      now: () => now,
    });
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    now = 999;
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    now = 1000;
    await cache.credentials(req({ authorization: 'Bearer alice' }));
    expect(calls).toEqual(['alice', 'alice']);
  });
});
