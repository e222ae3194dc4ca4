import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import request from 'supertest';
import WebSocket from 'ws';
import { sampleVersion } from '@aigc-gateway/backstage-plugin-aigc-gateway-node-test-utils';
import { asUser, launchRunning, startGateway } from '../__testUtils__/gateway';
import { engineEndpoint } from '../__testUtils__/engineEndpoint';
import { engineBusy } from '../signals/busySignal';
import { EngineConnections } from './EngineConnections';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(60_000);

/** A ComfyUI workflow in its API format: 40 steps of 5 ms, one image saved. */
const workflow = {
  '3': {
    class_type: 'KSampler',
    inputs: {
      seed: 7,
      steps: 40,
      model: ['4', 0],
      positive: ['6', 0],
      latent_image: ['5', 0],
    },
  },
  '4': {
    class_type: 'CheckpointLoaderSimple',
    inputs: { ckpt_name: 'sample.safetensors' },
  },
  '5': {
    class_type: 'EmptyLatentImage',
    inputs: { width: 32, height: 32, batch_size: 1 },
  },
  '6': {
    class_type: 'CLIPTextEncode',
    inputs: { text: 'a harbour at night', clip: ['4', 1] },
  },
  '9': {
    class_type: 'SaveImage',
    inputs: { images: ['8', 0], filename_prefix: 'ComfyUI' },
  },
};

/**
 * A ComfyUI engine (the sample engine's ComfyUI subset, in its sandbox)
 * through the gateway: its page, a workflow submitted, its progress over
 * the WebSocket, its image, and the busy signal the idle policy reads, true
 * while it works and false after.
 */
describe('a ComfyUI engine through the gateway', () => {
  it('takes a workflow, streams its progress over /ws, keeps its image, and is busy only meanwhile', async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18630, to: 18639 },
      extra: {
        templates: [
          {
            id: 'comfy',
            title: 'ComfyUI stand-in',
            owner: 'group:default/aigc-admins',
            kind: 'comfyui',
            versions: [sampleVersion('2.0.0', 2)],
          },
        ],
      },
    });
    const { server, dataRoot } = gateway;
    const connections = new EngineConnections();
    const alice = asUser('alice');
    try {
      const id = await launchRunning(server, 'alice', { templateId: 'comfy' });
      const proxy = `/api/aigc-gateway/instances/${id}/proxy`;
      const api = (method: 'get' | 'post', path: string) =>
        request(server)[method](`${proxy}${path}`).set('Authorization', alice);
      expect((await api('get', '/')).status).toBe(200);
      // The busy probe, as the idle policy reads it, on the engine's sandbox socket.
      const busy = () =>
        engineBusy('comfyui', engineEndpoint(dataRoot, id), connections);
      expect(await busy()).toBe(false);

      const { port } = server.address() as AddressInfo;
      const ws = new WebSocket(
        `ws://127.0.0.1:${port}${proxy}/ws?clientId=c1`,
        {
          headers: { authorization: alice },
        },
      );
      const messages: Array<{ type: string; data: any }> = [];
      const finished = new Promise<void>((resolve, reject) => {
        ws.on('message', data => {
          const message = JSON.parse(String(data));
          messages.push(message);
          if (message.type === 'executing' && message.data.node === null)
            resolve();
        });
        ws.on('error', reject);
      });
      await new Promise(r => ws.once('open', r));

      const queued = await api('post', '/prompt').send({
        prompt: workflow,
        client_id: 'c1',
      });
      expect(queued.status).toBe(200);
      const promptId = queued.body.prompt_id;
      await new Promise(r => setTimeout(r, 60));
      expect(await busy()).toBe(true);
      await finished;
      ws.close();
      expect(await busy()).toBe(false);

      const progress = messages.filter(m => m.type === 'progress');
      expect(progress.length).toBeGreaterThan(10);
      expect(progress.at(-1)!.data).toMatchObject({
        value: 40,
        max: 40,
        prompt_id: promptId,
        node: '3',
      });
      expect(messages[0].type).toBe('status');
      const history = (await api('get', `/history/${promptId}`)).body;
      expect(history[promptId].status).toMatchObject({
        status_str: 'success',
        completed: true,
      });
      const [image] = history[promptId].outputs['9'].images;
      const view = await api(
        'get',
        `/view?filename=${image.filename}&subfolder=${image.subfolder}&type=output`,
      );
      expect(view.status).toBe(200);
      expect(view.headers['content-type']).toBe('image/png');
      expect(Object.keys((await api('get', '/history')).body)).toEqual([
        promptId,
      ]);

      const refused = await api('post', '/prompt').send({
        prompt: { '1': { inputs: {} } },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.type).toBe('invalid_prompt');
    } finally {
      await connections.close();
      await gateway.backend.stop();
    }
  });
});
