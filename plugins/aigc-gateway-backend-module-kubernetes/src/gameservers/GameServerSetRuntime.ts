import {
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  V1Pod,
} from '@kubernetes/client-node';
import {
  RuntimeStartRequest,
  RuntimeVolume,
  VolumePlacement,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import {
  describeKubeError,
  isConflict,
  isNotFound,
} from '../cluster/kubeErrors';
import { deleteIfPresent, errorWith } from '../cluster/idempotent';
import { instanceLabels } from '../manifests/instanceLabels';
import {
  kubernetesId,
  LABELS,
  MANAGED_BY,
  MANAGED_SELECTOR,
} from '../manifests/labels';
import { instanceObjectName } from '../manifests/names';
import {
  KubernetesRuntime,
  KubernetesRuntimeOptions,
} from '../runtime/KubernetesRuntime';
import {
  GAME_KRUISE,
  gameServerClaimName,
  gameServerSetManifest,
  gameServerSetName,
  parseGameServerClaim,
  SET_LABEL,
  STATE_ANNOTATION,
} from './gameServerSetManifest';
import {
  assignOrdinal,
  GameServerState,
  ordinalOfInstance,
  parseState,
  scaleOf,
} from './gameServerState';

type GameServerSet = ReturnType<typeof gameServerSetManifest> & {
  metadata: { resourceVersion?: string };
};

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
/** Concurrent changes of one set (replicas, other gateways) are retried this often. */
const MAX_TRIES = 8;

/**
 * The OpenKruiseGame mode: each engine version of a pool is a
 * GameServerSet, and a user's engine is one GameServer of it, with the
 * claim of its ordinal as its data. Running and releasing an engine scale
 * the set with `reserveGameServerIds`, so OpenKruiseGame adds or removes
 * exactly that GameServer. Everything else (the pod watch, phases,
 * capacity, Services, Ingresses, adoption after a restart) is the
 * Kubernetes runtime's: OpenKruiseGame's pods are labelled with their
 * instance as soon as the watch sees them.
 */
export class GameServerSetRuntime extends KubernetesRuntime {
  readonly volumesBoundToVersion = true;
  private readonly custom: CustomObjectsApi;
  /** Pods being labelled, so one pod is patched once. */
  private readonly labelling = new Set<string>();

  constructor(options: KubernetesRuntimeOptions) {
    super(options);
    this.custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
  }

  async ensureVolume(
    volumeId: string,
    placement: VolumePlacement,
  ): Promise<RuntimeVolume> {
    await this.whenConnected();
    const setName = gameServerSetName(placement);
    const ordinal = (await this.changeSet(
      setName,
      state => assignOrdinal(state, volumeId),
      placement,
    ))!;
    return { id: volumeId, runtimeRef: gameServerClaimName(setName, ordinal) };
  }

  async deleteVolume(volume: RuntimeVolume): Promise<void> {
    const claim = parseGameServerClaim(volume.runtimeRef);
    if (!claim)
      throw new Error(
        `refusing to delete ${volume.runtimeRef}: not a GameServer claim of this runtime`,
      );
    await this.whenConnected();
    await this.changeSet(claim.setName, state => {
      if (String(claim.ordinal) in state.running) {
        throw new Error(
          `the GameServer ${claim.setName}-${claim.ordinal} still runs; stop it before deleting its data`,
        );
      }
      delete state.volumes[volume.id];
    });
    // A GameServer that never ran made no claim.
    await deleteIfPresent(`claim ${volume.runtimeRef}`, () =>
      this.core.deleteNamespacedPersistentVolumeClaim({
        name: volume.runtimeRef,
        namespace: this.namespace,
      }),
    );
  }

  protected async runEngine(request: RuntimeStartRequest): Promise<V1Pod> {
    const setName = gameServerSetName(request);
    const claim = parseGameServerClaim(request.volume.runtimeRef);
    if (claim?.setName !== setName) {
      throw new Error(
        `the data of instance ${request.instanceId} is ${request.volume.runtimeRef}, not a GameServer of ${setName} (${request.templateId} ${request.version.version} in pool ${request.pool.id}); in OpenKruiseGame mode an instance keeps its version and pool`,
      );
    }
    this.stopping.delete(request.instanceId);
    const labels = instanceLabels(request);
    await this.changeSet(
      setName,
      state => {
        state.volumes[request.volume.id] ??= claim.ordinal;
        const other = state.running[claim.ordinal];
        if (other && other.instance !== request.instanceId) {
          throw new Error(
            `GameServer ${setName}-${claim.ordinal} runs instance ${other.instance}`,
          );
        }
        state.running[claim.ordinal] = {
          instance: request.instanceId,
          ownerHash: labels[LABELS.ownerHash],
        };
      },
      request,
    );
    // The pod is OpenKruiseGame's to make; the Service and Ingress go by this name and these labels.
    return {
      metadata: {
        name: instanceObjectName(request.instanceId),
        namespace: this.namespace,
        labels,
      },
    };
  }

  protected async haltEngine(instanceId: string): Promise<boolean> {
    const running = this.podOf(instanceId) !== undefined;
    for (const set of await this.listSets()) {
      if (
        ordinalOfInstance(
          parseState(set.metadata.annotations[STATE_ANNOTATION]),
          instanceId,
        ) === undefined
      )
        continue;
      await this.changeSet(set.metadata.name, state => {
        const ordinal = ordinalOfInstance(state, instanceId);
        if (ordinal !== undefined) delete state.running[ordinal];
      });
    }
    return running;
  }

  /** A pod OpenKruiseGame made for a running GameServer: labelled with its instance, it becomes that instance's pod. */
  protected podWithoutInstance(pod: V1Pod): void {
    const labels = pod.metadata?.labels ?? {};
    const setName = labels[SET_LABEL];
    const podName = pod.metadata?.name ?? '';
    if (
      labels[LABELS.managedBy] !== MANAGED_BY ||
      !setName ||
      pod.metadata?.deletionTimestamp
    )
      return;
    if (this.labelling.has(podName)) return;
    this.labelling.add(podName);
    this.labelPod(pod, setName)
      .catch(error =>
        this.options.logger.warn(
          `Could not label GameServer pod ${podName}: ${describeKubeError(
            error,
          )}`,
        ),
      )
      .finally(() => this.labelling.delete(podName));
  }

  private async labelPod(pod: V1Pod, setName: string) {
    const podName = pod.metadata!.name!;
    const ordinal = Number(podName.slice(setName.length + 1));
    const set = await this.readSet(setName);
    const state = parseState(set?.metadata.annotations[STATE_ANNOTATION]);
    const entry = state.running[ordinal];
    const volumeId = Object.entries(state.volumes).find(
      ([, o]) => o === ordinal,
    )?.[0];
    if (!entry || !volumeId) return;
    await this.core.patchNamespacedPod(
      {
        name: podName,
        namespace: this.namespace,
        body: {
          metadata: {
            labels: {
              [LABELS.instance]: entry.instance,
              [LABELS.volume]: volumeId,
              [LABELS.kubernetesId]: kubernetesId(entry.instance),
              ...(entry.ownerHash
                ? { [LABELS.ownerHash]: entry.ownerHash }
                : {}),
            },
          },
        },
      },
      mergePatch,
    );
  }

  private async listSets(): Promise<GameServerSet[]> {
    const list = (await this.custom.listNamespacedCustomObject({
      ...GAME_KRUISE,
      namespace: this.namespace,
      labelSelector: MANAGED_SELECTOR,
    })) as { items: GameServerSet[] };
    return list.items;
  }

  private async readSet(name: string): Promise<GameServerSet | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        ...GAME_KRUISE,
        namespace: this.namespace,
        name,
      })) as GameServerSet;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Changes a set's state and scales it to match, in one write that fails
   * when the set changed meanwhile, then tries again. `placement` creates a
   * set that is missing; without it a missing set is left alone (undefined).
   * A set left with no volume is deleted.
   */
  private async changeSet<T>(
    name: string,
    change: (state: GameServerState) => T,
    placement?: VolumePlacement,
  ): Promise<T | undefined> {
    for (let tries = 1; ; tries++) {
      let set = await this.readSet(name);
      if (!set && placement) {
        try {
          set = (await this.custom.createNamespacedCustomObject({
            ...GAME_KRUISE,
            namespace: this.namespace,
            body: gameServerSetManifest(placement, {
              ...this.claimOptions(),
              stopGracePeriodSeconds:
                this.options.config.stopGracePeriodSeconds,
            }),
          })) as GameServerSet;
        } catch (error) {
          if (!isConflict(error))
            throw errorWith(`could not create GameServerSet ${name}`, error);
          continue;
        }
      }
      if (!set) return undefined;
      const state = parseState(set.metadata.annotations[STATE_ANNOTATION]);
      const result = change(state);
      try {
        if (
          Object.keys(state.volumes).length === 0 &&
          Object.keys(state.running).length === 0
        ) {
          await this.custom.deleteNamespacedCustomObject({
            ...GAME_KRUISE,
            namespace: this.namespace,
            name,
            body: {
              preconditions: { resourceVersion: set.metadata.resourceVersion },
            },
          });
        } else {
          set.metadata.annotations[STATE_ANNOTATION] = JSON.stringify(state);
          Object.assign(set.spec, scaleOf(state));
          await this.custom.replaceNamespacedCustomObject({
            ...GAME_KRUISE,
            namespace: this.namespace,
            name,
            body: set,
          });
        }
        return result;
      } catch (error) {
        if (!isConflict(error) || tries >= MAX_TRIES) {
          throw errorWith(`could not update GameServerSet ${name}`, error);
        }
      }
    }
  }
}
