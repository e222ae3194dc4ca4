/**
 * A text generation subset of two APIs that engines speak, for the gateway's
 * streaming paths: Ollama's `/api/generate` (a stream of JSON lines) and
 * `/api/ps`, and the OpenAI-compatible `/v1/completions` (server-sent events)
 * with vLLM's Prometheus `/metrics`. The shapes follow Ollama 0.5's API
 * documentation (docs/api.md) and vLLM 0.6's OpenAI-compatible server. Each
 * token is a word of the prompt, one per `stepMs`; it is not a language model.
 */
import type { ServerResponse } from 'node:http';

/** The one model the sample engine "has". */
export const TEXT_MODEL = 'sample-text';

const DEFAULT_TOKENS = 8;
const MAX_TOKENS = 512;

/** What a generation request asks for, checked. */
export interface TextRequest {
  prompt: string;
  tokens: number;
  stream: boolean;
}

/** The words a generation gives: the prompt's, again and again. */
function tokensOf(prompt: string, count: number): string[] {
  const words = prompt.split(/\s+/).filter(Boolean);
  return Array.from(
    { length: count },
    (_, i) => `${i ? ' ' : ''}${words[i % words.length]}`,
  );
}

/** Reads `prompt`, the token count under `countField` and `stream` from a request body; a message when it is wrong. */
export function textRequest(
  body: Record<string, unknown>,
  countField: string,
  streamByDefault: boolean,
): TextRequest | string {
  const { prompt } = body;
  if (typeof prompt !== 'string' || !/\S/.test(prompt) || prompt.length > 2000)
    return 'prompt must be a non-empty string of at most 2000 characters';
  const options = body.options as Record<string, unknown> | undefined;
  const count = body[countField] ?? options?.[countField];
  if (
    count !== undefined &&
    (typeof count !== 'number' ||
      !Number.isInteger(count) ||
      count < 1 ||
      count > MAX_TOKENS)
  )
    return `${countField} must be an integer from 1 to ${MAX_TOKENS}`;
  if (body.stream !== undefined && typeof body.stream !== 'boolean')
    return 'stream must be true or false';
  return {
    prompt,
    tokens: (count as number | undefined) ?? DEFAULT_TOKENS,
    stream: (body.stream as boolean | undefined) ?? streamByDefault,
  };
}

export class TextGenerator {
  private readonly stepMs: number;
  private running = 0;
  private completed = 0;

  constructor(stepMs: number) {
    this.stepMs = stepMs;
  }

  /** `POST /api/generate`: one JSON line per token, then a last line with `done: true` (or one object when not streaming). */
  async ollamaGenerate(request: TextRequest, res: ServerResponse) {
    const started = process.hrtime.bigint();
    const line = (fields: object) =>
      `${JSON.stringify({
        model: TEXT_MODEL,
        created_at: new Date().toISOString(),
        ...fields,
      })}\n`;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    let text = '';
    await this.generate(request, token => {
      text += token;
      if (request.stream) res.write(line({ response: token, done: false }));
    });
    const duration = Number(process.hrtime.bigint() - started);
    res.end(
      line({
        response: request.stream ? '' : text,
        done: true,
        done_reason: 'length',
        total_duration: duration,
        load_duration: 0,
        prompt_eval_count: request.prompt.split(/\s+/).filter(Boolean).length,
        eval_count: request.tokens,
        eval_duration: duration,
      }),
    );
  }

  /** `GET /api/ps`: the model, while it generates (the stand-in keeps it loaded no longer). */
  ollamaPs() {
    return {
      models: this.running
        ? [
            {
              name: TEXT_MODEL,
              model: TEXT_MODEL,
              size: 0,
              digest: 'sample',
              details: { format: 'sample', family: 'sample' },
              expires_at: new Date().toISOString(),
              size_vram: 0,
            },
          ]
        : [],
    };
  }

  /** `POST /v1/completions`: server-sent events, a chunk per token and `[DONE]` (or one object when not streaming). */
  async completions(request: TextRequest, res: ServerResponse) {
    const id = `cmpl-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (text: string, finish: string | null) => ({
      id,
      object: 'text_completion',
      created,
      model: TEXT_MODEL,
      choices: [
        {
          index: 0,
          text,
          logprobs: null,
          finish_reason: finish,
          stop_reason: null,
        },
      ],
    });
    if (request.stream)
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
      });
    let text = '';
    await this.generate(request, token => {
      text += token;
      if (request.stream)
        res.write(`data: ${JSON.stringify(chunk(token, null))}\n\n`);
    });
    if (request.stream) {
      res.write(`data: ${JSON.stringify(chunk('', 'length'))}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    const body = JSON.stringify({
      ...chunk(text, 'length'),
      usage: {
        prompt_tokens: 0,
        completion_tokens: request.tokens,
        total_tokens: request.tokens,
      },
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  }

  /** `GET /metrics`: vLLM's request gauges and completed-request counter, as Prometheus text. */
  metrics(): string {
    const labels = `model_name="${TEXT_MODEL}"`;
    return [
      '# HELP vllm:num_requests_running Number of requests currently running on GPU.',
      '# TYPE vllm:num_requests_running gauge',
      `vllm:num_requests_running{${labels}} ${this.running}.0`,
      '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.',
      '# TYPE vllm:num_requests_waiting gauge',
      `vllm:num_requests_waiting{${labels}} 0.0`,
      '# HELP vllm:request_success_total Count of successfully processed requests.',
      '# TYPE vllm:request_success_total counter',
      `vllm:request_success_total{finished_reason="length",${labels}} ${this.completed}.0`,
      '',
    ].join('\n');
  }

  private async generate(request: TextRequest, emit: (token: string) => void) {
    this.running += 1;
    try {
      for (const token of tokensOf(request.prompt, request.tokens)) {
        await new Promise(r => setTimeout(r, this.stepMs));
        emit(token);
      }
      this.completed += 1;
    } finally {
      this.running -= 1;
    }
  }
}
