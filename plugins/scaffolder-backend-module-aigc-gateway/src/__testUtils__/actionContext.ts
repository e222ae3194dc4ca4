import { JsonObject } from '@backstage/types';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';

/** The scaffolder's mock action context for `input`, as a dry run when asked, with the outputs it got. */
export function actionContext(input: JsonObject, isDryRun = false) {
  const ctx = { ...createMockActionContext({ input }), isDryRun } as any;
  const outputs = () =>
    Object.fromEntries((ctx.output as jest.Mock).mock.calls);
  return { ctx, outputs };
}
