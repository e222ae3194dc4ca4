import { costBreakdownsOf, isAigcCostAvailable } from './entityCost';

const entity = (kind: string, type?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x' },
  spec: type ? { type } : {},
});

describe('the AIGC cost tab', () => {
  it('is on users, groups, engine components and gateway resources only', () => {
    expect(costBreakdownsOf(entity('Group'))).toEqual(['user', 'template']);
    expect(costBreakdownsOf(entity('User'))).toEqual(['template', 'pool']);
    expect(costBreakdownsOf(entity('Component', 'aigc-engine'))).toEqual([
      'instance',
      'user',
    ]);
    expect(
      costBreakdownsOf(entity('Resource', 'aigc-engine-instance')),
    ).toEqual([]);
    expect(isAigcCostAvailable(entity('Component', 'service'))).toBe(false);
    expect(isAigcCostAvailable(entity('Resource', 'database'))).toBe(false);
    expect(isAigcCostAvailable(entity('API'))).toBe(false);
  });
});
