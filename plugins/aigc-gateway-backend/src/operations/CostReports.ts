import {
  BackstageCredentials,
  BackstageUserPrincipal,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CostDimension,
  costReadPermission,
} from '@aigc-gateway/backstage-plugin-aigc-gateway-common';
import { GatewayClock } from '@aigc-gateway/backstage-plugin-aigc-gateway-node';
import { CostCalendar } from '../cost/calendar';
import { CostLedger, CostScope } from '../cost/CostLedger';
import { costRange } from '../cost/costRange';
import { entityScope } from '../cost/entityScope';
import { Definitions } from '../store/DefinitionStore';
import { InstanceStore } from '../store/InstanceStore';

/** What a cost report asks for, checked at the edge. */
export interface CostQuery {
  from?: string;
  to?: string;
  entityRef?: string;
  groupBy: CostDimension;
}

/**
 * Cost reports as the calling user may see them: with
 * `aigc-gateway.cost.read` anything; without it only their own usage,
 * within any entity they name. The HTTP API and the actions share it.
 */
export class CostReports {
  constructor(
    private readonly deps: {
      ledger: CostLedger;
      calendar: CostCalendar;
      currency: string;
      definitions: () => Definitions;
      store: InstanceStore;
      permissions: PermissionsService;
      clock: GatewayClock;
    },
  ) {}

  /** The range, the scope the caller may see, and the report's heading. */
  async resolve(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    query: CostQuery,
  ) {
    const { deps } = this;
    const at = deps.clock.now();
    const range = costRange(query, deps.calendar, at);
    const entity = query.entityRef
      ? await entityScope(
          query.entityRef,
          deps.definitions(),
          async id => (await deps.store.get(id)) !== undefined,
        )
      : undefined;
    let scope: CostScope = entity?.scope ?? {};
    const all = await this.mayReadAll(credentials);
    if (!all) {
      const self = credentials.principal.userEntityRef;
      if (scope.ownerRef && scope.ownerRef !== self) {
        throw new NotAllowedError(
          `reading the costs of ${entity!.ref} needs the ${
            costReadPermission.name
          } permission; everyone may read their own`,
        );
      }
      scope = { ...scope, ownerRef: self };
    }
    const report = {
      currency: deps.currency,
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      scope: all ? ('all' as const) : ('own' as const),
      ...(entity ? { entityRef: entity.ref } : {}),
    };
    return { range, scope, report, at };
  }

  /** Totals and items grouped by `query.groupBy`, over what the caller may see. */
  async summary(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    query: CostQuery,
  ) {
    const { range, scope, report, at } = await this.resolve(credentials, query);
    const { total, items } = await this.deps.ledger.summary(
      range,
      scope,
      query.groupBy,
      at,
    );
    return { ...report, groupBy: query.groupBy, total, items };
  }

  async mayReadAll(credentials: BackstageCredentials): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission: costReadPermission }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }
}
