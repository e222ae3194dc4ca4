import { AddressInfo } from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import { launchRunning, startGateway } from '../__testUtils__/gateway';
import { streamed } from '../__testUtils__/streamed';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

jest.setTimeout(60_000);

/**
 * Tokens stream through the gateway as the engine makes them: the sandboxed
 * sample engine speaks Ollama's and the OpenAI-compatible streaming APIs,
 * 150 ms per token, and the first token reaches the client long before the
 * last is made.
 */
describe('streamed answers through the gateway', () => {
  it('pass each token on as it comes, for Ollama JSON lines and server-sent events', async () => {
    const gateway = await startGateway({
      databases,
      databaseId: 'SQLITE_3',
      ports: { from: 18620, to: 18629 },
    });
    try {
      const id = await launchRunning(gateway.server, 'alice', {
        templateId: 'sample-engine',
      });
      const { port } = gateway.server.address() as AddressInfo;
      const proxy = `/api/aigc-gateway/instances/${id}/proxy`;
      // The engine's steps are 5 ms in the test gateways; 8 tokens then take
      // at least 40 ms: the first must come well before the end.
      const ollama = await streamed(port, `${proxy}/api/generate`, {
        model: 'sample-text',
        prompt: 'tokens arrive one by one',
        options: { num_predict: 8 },
      });
      expect(ollama.type).toBe('application/x-ndjson');
      const lines = ollama.chunks
        .map(c => c.text)
        .join('')
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      expect(lines).toHaveLength(9);
      expect(lines[8]).toMatchObject({ done: true, eval_count: 8 });
      expect(ollama.chunks.length).toBeGreaterThanOrEqual(5);
      expect(ollama.chunks[0].at).toBeLessThan(ollama.chunks.at(-1)!.at - 20);

      const openai = await streamed(port, `${proxy}/v1/completions`, {
        model: 'sample-text',
        prompt: 'events arrive one by one',
        max_tokens: 8,
        stream: true,
      });
      expect(openai.type).toBe('text/event-stream');
      const events = openai.chunks
        .map(c => c.text)
        .join('')
        .trim()
        .split('\n\n');
      expect(events).toHaveLength(10);
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(openai.chunks.length).toBeGreaterThanOrEqual(5);
      expect(openai.chunks[0].at).toBeLessThan(openai.chunks.at(-1)!.at - 20);
    } finally {
      await gateway.backend.stop();
    }
  });
});
