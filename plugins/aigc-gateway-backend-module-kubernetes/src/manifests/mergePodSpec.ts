type Json = unknown;

function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isNamed = (list: Json[]) =>
  list.every(item => isObject(item) && typeof item.name === 'string');

/**
 * Merges a version's `podSpecPatch` into the pod spec the runtime builds,
 * the way a strategic merge patch treats pod specs: objects merge key by
 * key, lists of named items (containers, volumes, env, volumeMounts) merge
 * by name, any other list replaces, and `null` removes a key.
 */
export function mergePodSpec<T>(
  base: T,
  patch: Record<string, Json> | undefined,
): T {
  return patch === undefined ? base : (merge(base, patch) as T);
}

function merge(base: Json, patch: Json): Json {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, Json> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (value === null) delete out[key];
      else out[key] = key in base ? merge(base[key], value) : value;
    }
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(patch) &&
    isNamed(base) &&
    isNamed(patch)
  ) {
    const out = base.map(item => {
      const name = (item as { name: string }).name;
      const over = patch.find(p => (p as { name: string }).name === name);
      return over === undefined ? item : merge(item, over);
    });
    for (const item of patch) {
      const name = (item as { name: string }).name;
      if (!base.some(b => (b as { name: string }).name === name))
        out.push(item);
    }
    return out;
  }
  return patch;
}
