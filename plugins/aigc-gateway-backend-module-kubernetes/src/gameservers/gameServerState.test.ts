import {
  assignOrdinal,
  GameServerState,
  ordinalOfInstance,
  parseState,
  scaleOf,
} from './gameServerState';

describe('GameServer state', () => {
  it('gives each volume the lowest free ordinal, and keeps it', () => {
    const state = parseState(undefined);
    expect(['v0', 'v1', 'v2'].map(v => assignOrdinal(state, v))).toEqual([
      0, 1, 2,
    ]);
    expect(assignOrdinal(state, 'v1')).toBe(1);
    delete state.volumes.v1;
    expect(assignOrdinal(state, 'v3')).toBe(1);
  });

  it.each([
    [[], { replicas: 0, reserveGameServerIds: [] }],
    [[0], { replicas: 1, reserveGameServerIds: [] }],
    [[2], { replicas: 1, reserveGameServerIds: [0, 1] }],
    [[0, 2], { replicas: 2, reserveGameServerIds: [1] }],
    [[1, 3, 4], { replicas: 3, reserveGameServerIds: [0, 2] }],
  ])('runs exactly the ordinals %j', (running, scale) => {
    const state: GameServerState = { volumes: {}, running: {} };
    for (const ordinal of running)
      state.running[ordinal] = { instance: `i${ordinal}` };
    expect(scaleOf(state)).toEqual(scale);
    // What OpenKruiseGame makes from that scale: ids below replicas + reserved, less the reserved.
    const made = [
      ...Array(scale.replicas + scale.reserveGameServerIds.length).keys(),
    ].filter(id => !scale.reserveGameServerIds.includes(id));
    expect(made).toEqual(running);
  });

  it('finds the ordinal an instance runs on', () => {
    const state = parseState(
      JSON.stringify({ volumes: { v: 3 }, running: { 3: { instance: 'i' } } }),
    );
    expect(ordinalOfInstance(state, 'i')).toBe(3);
    expect(ordinalOfInstance(state, 'j')).toBeUndefined();
  });
});
