import { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import { poolLabel, versionLabel } from '../labels';
import { GatewaySelectField } from './GatewaySelectField';

/**
 * Which other fields of the form a picker follows (default: `templateId` and `version`).
 *
 * @public
 */
export interface PickerUiOptions {
  templateField?: string;
  versionField?: string;
}

type PickerProps = FieldExtensionComponentProps<string, PickerUiOptions>;

function sibling(
  props: PickerProps,
  option: keyof PickerUiOptions,
  fallback: string,
): string | undefined {
  const name = props.uiSchema?.['ui:options']?.[option] ?? fallback;
  const value = (
    props.formContext?.formData as Record<string, unknown> | undefined
  )?.[name];
  return typeof value === 'string' && value ? value : undefined;
}

/** `AigcTemplatePicker`: the engine templates the user may launch. */
export const TemplatePicker = (props: PickerProps) => (
  <GatewaySelectField
    {...props}
    dependsOn={[]}
    noneLabel="The AIGC Gateway has no engine templates."
    load={async api =>
      (await api.listTemplates()).map(t => ({
        value: t.id,
        label: `${t.title} (${t.id})`,
      }))
    }
  />
);

/** `AigcVersionPicker`: the launchable versions of the template chosen in the form. */
export const VersionPicker = (props: PickerProps) => {
  const templateId = sibling(props, 'templateField', 'templateId');
  return (
    <GatewaySelectField
      {...props}
      dependsOn={[templateId]}
      emptyLabel={props.required ? undefined : 'The newest active version'}
      noneLabel={
        templateId
          ? `"${templateId}" has no launchable version.`
          : 'Choose an engine template first.'
      }
      load={async api => {
        if (!templateId) return [];
        const template = (await api.listTemplates()).find(
          t => t.id === templateId,
        );
        return [...(template?.versions ?? [])]
          .reverse()
          .filter(v => v.status !== 'retired')
          .map(v => ({ value: v.version, label: versionLabel(v) }));
      }}
    />
  );
};

/**
 * `AigcPoolPicker`: the GPU pools the chosen version may run in, with free
 * capacity and price; pools with room first.
 */
export const PoolPicker = (props: PickerProps) => {
  const templateId = sibling(props, 'templateField', 'templateId');
  const version = sibling(props, 'versionField', 'version');
  return (
    <GatewaySelectField
      {...props}
      dependsOn={[templateId, version]}
      emptyLabel={props.required ? undefined : "The version's default pool"}
      noneLabel="No GPU pool can run this version."
      load={async api => {
        const [templates, pools] = await Promise.all([
          api.listTemplates(),
          api.listPools(),
        ]);
        const versions =
          templates.find(t => t.id === templateId)?.versions ?? [];
        const chosen = versions.filter(v =>
          version ? v.version === version : v.status !== 'retired',
        );
        const allowed = templateId
          ? new Set(chosen.flatMap(v => v.pools))
          : undefined;
        return pools
          .filter(p => !allowed || allowed.has(p.id))
          .sort(
            (a, b) => Number(b.capacity.free > 0) - Number(a.capacity.free > 0),
          )
          .map(p => ({ value: p.id, label: poolLabel(p) }));
      }}
    />
  );
};
