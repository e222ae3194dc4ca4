import { actionContext as context } from '../__testUtils__/actionContext';
import { InstanceView } from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClient } from '../GatewayClient';
import { createReleaseInstanceAction } from './releaseInstance';

const id = '5f0c2f9e-1b7e-4a35-9a39-2a8c6a1e8f10';

/** A gateway with one instance in `state`, recording the releases it is asked for. */
function fakeClient(state: InstanceView['state']) {
  const released: string[] = [];
  const instance = { id, state } as InstanceView;
  const client = {
    get: async () => instance,
    release: async () => {
      released.push(id);
      return { ...instance, state: 'released' };
    },
  } as unknown as GatewayClient;
  return { client, released };
}

describe('aigc:instance:release', () => {
  it('releases a running instance, passes on a released one, and only looks in a dry run', async () => {
    const running = fakeClient('running');
    const run = context({ instanceId: id });
    await createReleaseInstanceAction({ client: running.client }).handler(
      run.ctx,
    );
    expect(running.released).toEqual([id]);
    expect(run.outputs().state).toBe('released');

    const already = fakeClient('released');
    await createReleaseInstanceAction({ client: already.client }).handler(
      context({ instanceId: id }).ctx,
    );
    expect(already.released).toEqual([]);

    const dry = fakeClient('running');
    const dryRun = context({ instanceId: id }, true);
    await createReleaseInstanceAction({ client: dry.client }).handler(
      dryRun.ctx,
    );
    expect(dry.released).toEqual([]);
    expect(dryRun.outputs().state).toBe('running');
  });
});
