import {
  EngineKind,
  EngineTemplateView,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';

/** The Launch view's sections: engines that make images, engines that write text, the rest. */
const GROUPS: Array<{ title: string; kinds: EngineKind[] }> = [
  { title: 'Images', kinds: ['sd-webui', 'comfyui', 'invokeai'] },
  { title: 'Text', kinds: ['ollama', 'vllm'] },
  { title: 'Other engines', kinds: ['generic-http'] },
];

/** Templates by what their engines make, in the groups' order; empty groups left out. */
export function groupByKind(
  templates: EngineTemplateView[],
): Array<{ title: string; templates: EngineTemplateView[] }> {
  return GROUPS.map(group => ({
    title: group.title,
    templates: templates.filter(t => group.kinds.includes(t.kind)),
  })).filter(group => group.templates.length > 0);
}
