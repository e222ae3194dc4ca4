import { describeKubeError, isConflict, isNotFound } from './kubeErrors';

/** An error naming what failed and the API server's reason. */
export function errorWith(what: string, error: unknown): Error {
  return new Error(`${what}: ${describeKubeError(error)}`);
}

/** Creates an object; one that exists already (another replica, an earlier try) is kept. */
export async function createUnlessPresent(
  what: string,
  create: () => Promise<unknown>,
) {
  try {
    await create();
  } catch (error) {
    if (!isConflict(error)) throw errorWith(`could not create ${what}`, error);
  }
}

/** Deletes an object; one that is gone already is fine. */
export async function deleteIfPresent(
  what: string,
  remove: () => Promise<unknown>,
) {
  try {
    await remove();
  } catch (error) {
    if (!isNotFound(error)) throw errorWith(`could not delete ${what}`, error);
  }
}
