import { expect, test } from '@playwright/test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { authAs, GATEWAY_API, portalReady } from './portal';

test.beforeAll(portalReady);

const MCP_URL = 'http://localhost:7007/api/mcp-actions/v1';

/** An MCP client of the portal, as an AI assistant connects with its user's token. */
async function mcpClientAs(user: string) {
  const headers = await authAs(user);
  const client = new Client({ name: `e2e-${user}`, version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(MCP_URL), {
      requestInit: { headers },
    }),
  );
  return { client, headers };
}

/** Calls a tool; its structured output, or the error text it answered with. */
async function call(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
) {
  const result = (await client.callTool({ name, arguments: args })) as {
    isError?: boolean;
    content: Array<{ type: string; text?: string }>;
    structuredContent?: any;
  };
  const text = result.content.map(c => c.text ?? '').join('\n');
  if (result.isError) return { error: text };
  return { output: result.structuredContent ?? JSON.parse(text) };
}

test('an assistant launches and releases alice’s engine through MCP; bob’s assistant cannot see or touch it', async ({
  request,
}) => {
  test.setTimeout(180_000);
  const alice = await mcpClientAs('alice');
  const bob = await mcpClientAs('bob');
  try {
    const tools = (await alice.client.listTools()).tools.map(t => t.name);
    const named = (action: string) => {
      const tool = tools.find(t => t.endsWith(action));
      expect(tool, `a tool for ${action} in ${tools.join(', ')}`).toBeDefined();
      return tool!;
    };
    for (const action of [
      'list-engines',
      'launch-engine',
      'release-engine',
      'relaunch-engine',
      'get-engine-url',
      'get-my-cost',
      'get-pool-capacity',
      'get-cost-by-group',
    ])
      named(action);

    const launched = await call(alice.client, named('launch-engine'), {
      templateId: 'sample-engine',
      name: 'from-mcp',
    });
    expect(launched.error).toBeUndefined();
    const id: string = launched.output.engine.id;
    try {
      await expect(async () => {
        const listed = await call(alice.client, named('list-engines'));
        expect(
          listed.output.engines.find((e: { id: string }) => e.id === id)?.state,
        ).toBe('running');
      }).toPass({ timeout: 60_000, intervals: [1_000] });
      const url = await call(alice.client, named('get-engine-url'), {
        instanceId: id,
      });
      expect(url.output.state).toBe('running');
      expect(url.output.address).toMatch(/^http:\/\//);

      // bob's assistant: alice's engine is not there to see or touch.
      const bobs = await call(bob.client, named('list-engines'), {
        scope: 'all',
      });
      expect(
        bobs.output.engines.map((e: { id: string }) => e.id),
      ).not.toContain(id);
      for (const action of ['get-engine-url', 'release-engine']) {
        const refused = await call(bob.client, named(action), {
          instanceId: id,
        });
        expect(refused.error).toContain(`instance ${id} does not exist`);
      }

      // Bad arguments: a clear error that names them.
      const bad = await call(alice.client, named('launch-engine'), {
        templateId: 'Not A Slug!',
      });
      expect(bad.error).toContain('templateId');

      const released = await call(alice.client, named('release-engine'), {
        instanceId: id,
      });
      expect(released.output.engine.state).toBe('released');
      const cost = await call(alice.client, named('get-my-cost'));
      expect(cost.output.items.map((i: { key: string }) => i.key)).toContain(
        'sample-engine',
      );
    } finally {
      // Released above unless the test failed before: then release it here.
      await request.post(`${GATEWAY_API}/instances/${id}/release`, {
        headers: alice.headers,
      });
      await request.delete(`${GATEWAY_API}/instances/${id}?deleteData=true`, {
        headers: alice.headers,
      });
    }
  } finally {
    await alice.client.close();
    await bob.client.close();
  }
});
