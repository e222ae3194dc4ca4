import { OpenPerUser } from './OpenPerUser';

describe('OpenPerUser', () => {
  it("bounds each user's open streams, and counts a stream's end once", () => {
    const streams = new OpenPerUser(
      2,
      'event streams',
      '; close some tabs of the portal',
    );
    const first = streams.acquire('user:default/alice');
    streams.acquire('user:default/alice');
    expect(() => streams.acquire('user:default/alice')).toThrow(
      expect.objectContaining({
        statusCode: 429,
        message:
          'user:default/alice has 2 event streams open, the most allowed; close some tabs of the portal',
      }),
    );
    // Others are not held back by alice's streams.
    streams.acquire('user:default/bob');
    first();
    first();
    streams.acquire('user:default/alice');
    expect(() => streams.acquire('user:default/alice')).toThrow(
      'the most allowed',
    );
  });
});
