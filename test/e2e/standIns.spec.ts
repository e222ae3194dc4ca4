import { expect, test } from '@playwright/test';
import {
  SCREENSHOTS,
  authAs,
  launch,
  portalReady,
  removeInstance,
  signedIn,
} from './portal';

test.beforeAll(portalReady);

test('a ComfyUI and an Ollama engine, launched and opened at their own origins, give their results in the browser', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  const alice = await authAs('alice');
  const comfy = await launch(request, alice, 'comfyui-stand-in', 'comfy-e2e');
  const ollama = await launch(request, alice, 'ollama-stand-in', 'ollama-e2e');
  try {
    await signedIn(page, 'alice');

    // ComfyUI: a workflow queued from the engine's page, its image from the history.
    const comfyPage = await page.context().newPage();
    await comfyPage.goto(comfy.address);
    await expect(
      comfyPage.getByRole('heading', { name: /^Sample Engine/ }),
    ).toBeVisible({
      timeout: 30_000,
    });
    const image = await comfyPage.evaluate(async () => {
      const post = await fetch('/prompt', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: {
            '3': { class_type: 'KSampler', inputs: { seed: 3, steps: 5 } },
            '6': {
              class_type: 'CLIPTextEncode',
              inputs: { text: 'a kite over the sea' },
            },
            '9': { class_type: 'SaveImage', inputs: {} },
          },
        }),
      });
      const { prompt_id: id } = await post.json();
      for (;;) {
        const history = await (await fetch(`/history/${id}`)).json();
        if (history[id]) {
          const [ref] = history[id].outputs['9'].images;
          const view = await fetch(
            `/view?filename=${ref.filename}&subfolder=${ref.subfolder}&type=output`,
          );
          return {
            status: view.status,
            type: view.headers.get('content-type'),
          };
        }
        await new Promise(r => setTimeout(r, 200));
      }
    });
    expect(image).toEqual({ status: 200, type: 'image/png' });

    // Ollama: a streamed answer, read line by line as it comes.
    const ollamaPage = await page.context().newPage();
    await ollamaPage.goto(ollama.address);
    await expect(
      ollamaPage.getByRole('heading', { name: /^Sample Engine/ }),
    ).toBeVisible({
      timeout: 30_000,
    });
    const answer = await ollamaPage.evaluate(async () => {
      const res = await fetch('/api/generate', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          prompt: 'waves and wind',
          options: { num_predict: 6 },
        }),
      });
      const reader = res.body!.getReader();
      let text = '';
      let reads = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        reads++;
        text += new TextDecoder().decode(value);
      }
      const lines = text
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      return {
        reads,
        response: lines.map(l => l.response).join(''),
        done: lines.at(-1).done,
      };
    });
    expect(answer.response).toBe('waves and wind waves and wind');
    expect(answer.done).toBe(true);
    expect(answer.reads).toBeGreaterThan(1);
    await ollamaPage.screenshot({ path: `${SCREENSHOTS}/ollama-stand-in.png` });
  } finally {
    await removeInstance(request, alice, comfy.id);
    await removeInstance(request, alice, ollama.id);
  }
});
