/**
 * The engine's web UI. Every URL in it is relative, so it works the same when
 * served at the root of its own port and behind the gateway's proxy path.
 */
export function uiPage(version: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Sample Engine ${version}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}form{display:flex;gap:8px;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:12px}#gallery img{width:128px;height:128px;margin:4px;border:1px solid #ccc}
#status{margin:12px 0;color:#555}</style></head><body>
<h1>Sample Engine <small>${version}</small></h1>
<p>Draws an image from your prompt and seed, the same image for the same input. It is not a diffusion model.</p>
<form id="generate">
<label>Prompt<input name="prompt" size="40" required value="a lighthouse at dawn"></label>
<label>Seed<input name="seed" type="number" value="42"></label>
<label>Steps<input name="steps" type="number" value="10" min="1" max="150"></label>
<button type="submit">Generate</button>
</form>
<div id="status" role="status">Idle</div>
<h2>Outputs</h2><div id="gallery"></div>
<script>
const status = document.getElementById('status');
async function refresh() {
  const files = await (await fetch('outputs')).json();
  document.getElementById('gallery').innerHTML = files
    .map(f => '<img alt="' + f + '" title="' + f + '" src="' + f + '">').join('');
}
async function poll() {
  const p = await (await fetch('sdapi/v1/progress')).json();
  if (p.state.job_count > 0) status.textContent = 'Generating: step ' + p.state.sampling_step + ' of ' + p.state.sampling_steps;
}
document.getElementById('generate').addEventListener('submit', async e => {
  e.preventDefault();
  const form = new FormData(e.target);
  const timer = setInterval(poll, 250);
  status.textContent = 'Generating';
  const res = await fetch('sdapi/v1/txt2img', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: form.get('prompt'), seed: Number(form.get('seed')), steps: Number(form.get('steps')) }) });
  clearInterval(timer);
  const body = await res.json();
  status.textContent = res.ok ? 'Done: ' + JSON.parse(body.info).file : 'Error: ' + body.detail;
  await refresh();
});
refresh();
</script></body></html>`;
}
