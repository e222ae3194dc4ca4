/**
 * Which GameServer of a set holds whose data, and which of them run. It is
 * kept in an annotation of the GameServerSet, so the set itself is the
 * record: every replica of the gateway, and a gateway that starts again,
 * reads the same.
 */
export interface GameServerState {
  /** The ordinal of each data volume: its GameServer, whose claim holds the data. */
  volumes: Record<string, number>;
  /** The GameServers that run, by ordinal: the instance and its owner's hash. */
  running: Record<string, { instance: string; ownerHash?: string }>;
}

export function parseState(annotation: string | undefined): GameServerState {
  const parsed = annotation
    ? (JSON.parse(annotation) as Partial<GameServerState>)
    : {};
  return { volumes: parsed.volumes ?? {}, running: parsed.running ?? {} };
}

/** The volume's ordinal: the one it has, else the lowest no volume holds. */
export function assignOrdinal(
  state: GameServerState,
  volumeId: string,
): number {
  const held = state.volumes[volumeId];
  if (held !== undefined) return held;
  const taken = new Set(Object.values(state.volumes));
  let ordinal = 0;
  while (taken.has(ordinal)) ordinal++;
  state.volumes[volumeId] = ordinal;
  return ordinal;
}

export function ordinalOfInstance(
  state: GameServerState,
  instanceId: string,
): number | undefined {
  const entry = Object.entries(state.running).find(
    ([, r]) => r.instance === instanceId,
  );
  return entry ? Number(entry[0]) : undefined;
}

/**
 * The scale that runs exactly the running ordinals: OpenKruiseGame makes
 * GameServers 0 … replicas + reserved − 1 except the reserved ids, so every
 * id below the highest running one that does not run is reserved.
 */
export function scaleOf(state: GameServerState): {
  replicas: number;
  reserveGameServerIds: number[];
} {
  const running = Object.keys(state.running).map(Number);
  const top = running.length > 0 ? Math.max(...running) : -1;
  const reserveGameServerIds: number[] = [];
  for (let id = 0; id < top; id++)
    if (!(String(id) in state.running)) reserveGameServerIds.push(id);
  return { replicas: running.length, reserveGameServerIds };
}
