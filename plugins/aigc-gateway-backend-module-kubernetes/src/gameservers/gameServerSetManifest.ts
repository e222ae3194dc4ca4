import { createHash } from 'node:crypto';
import { VolumePlacement } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { enginePodSpec, DATA_VOLUME } from '../manifests/enginePodSpec';
import {
  ANNOTATIONS,
  LABELS,
  labelValue,
  MANAGED_BY,
} from '../manifests/labels';

export const GAME_KRUISE = {
  group: 'game.kruise.io',
  version: 'v1alpha1',
  plural: 'gameserversets',
} as const;
/** On the set's pods: the set they belong to. */
export const SET_LABEL = 'aigc-gateway.io/game-server-set';
/** On the set: its GameServerState. */
export const STATE_ANNOTATION = 'aigc-gateway.io/game-servers';

/** The set of an engine version in a pool: `aigc-<template>-<pool>-<hash>`, short enough for pod host names. */
export function gameServerSetName(placement: VolumePlacement): string {
  const slug = (text: string) =>
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 16)
      .replace(/-+$/, '');
  const hash = createHash('sha256')
    .update(
      `${placement.templateId}\n${placement.version.version}\n${placement.pool.id}`,
    )
    .digest('hex')
    .slice(0, 8);
  return ['aigc', slug(placement.templateId), slug(placement.pool.id), hash]
    .filter(Boolean)
    .join('-');
}

/** The claim OpenKruiseGame makes for a GameServer from the set's claim template. */
export function gameServerClaimName(setName: string, ordinal: number): string {
  return `${DATA_VOLUME}-${setName}-${ordinal}`;
}

/** The set and ordinal of a GameServer claim name, when it is one. */
export function parseGameServerClaim(
  claimName: string,
): { setName: string; ordinal: number } | undefined {
  const match = /^data-(aigc-[a-z0-9-]+)-([0-9]+)$/.exec(claimName);
  return match ? { setName: match[1], ordinal: Number(match[2]) } : undefined;
}

/**
 * A GameServerSet that runs one engine version in one pool, scaled to no
 * GameServer. The gateway runs a user's engine by taking its ordinal out of
 * `reserveGameServerIds`, and releases it by reserving it again (the
 * `ReserveIds` scale-down), so OpenKruiseGame removes that GameServer and
 * no other. Each GameServer's data is the claim of its ordinal, which
 * outlives it.
 */
export function gameServerSetManifest(
  placement: VolumePlacement,
  options: {
    namespace: string;
    stopGracePeriodSeconds: number;
    volumeSize: string;
    storageClass?: string;
  },
) {
  const name = gameServerSetName(placement);
  const labels = {
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.template]: labelValue(placement.templateId),
    [LABELS.version]: labelValue(placement.version.version),
    [LABELS.pool]: labelValue(placement.pool.id),
  };
  const annotations = {
    [ANNOTATIONS.version]: placement.version.version,
    [ANNOTATIONS.poolTitle]: placement.pool.title,
  };
  return {
    apiVersion: `${GAME_KRUISE.group}/${GAME_KRUISE.version}`,
    kind: 'GameServerSet',
    metadata: {
      name,
      namespace: options.namespace,
      labels,
      annotations: {
        ...annotations,
        [STATE_ANNOTATION]: JSON.stringify({ volumes: {}, running: {} }),
      },
    },
    spec: {
      replicas: 0,
      reserveGameServerIds: [] as number[],
      scaleStrategy: { scaleDownStrategyType: 'ReserveIds' },
      // Claims stay when their GameServer goes: they are the users' data.
      persistentVolumeClaimRetentionPolicy: {
        whenScaled: 'Retain',
        whenDeleted: 'Retain',
      },
      gameServerTemplate: {
        metadata: { labels: { ...labels, [SET_LABEL]: name }, annotations },
        spec: enginePodSpec({
          templateId: placement.templateId,
          version: placement.version,
          pool: placement.pool,
          // One template for every GameServer: an engine knows itself by its pod's name.
          instanceId: {
            env: {
              name: 'AIGC_INSTANCE_ID',
              valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
            },
          },
          stopGracePeriodSeconds: options.stopGracePeriodSeconds,
        }),
        volumeClaimTemplates: [
          {
            metadata: {
              name: DATA_VOLUME,
              labels: { [LABELS.managedBy]: MANAGED_BY },
            },
            spec: {
              accessModes: ['ReadWriteOnce'],
              ...(options.storageClass
                ? { storageClassName: options.storageClass }
                : {}),
              resources: { requests: { storage: options.volumeSize } },
            },
          },
        ],
      },
    },
  };
}
