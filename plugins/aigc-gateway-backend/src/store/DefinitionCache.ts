import { Definitions, DefinitionStore } from './DefinitionStore';

/**
 * The definitions every request reads, kept in memory. It is reloaded
 * after a change made here and on a schedule, so versions that another
 * replica added show up here too.
 */
export class DefinitionCache {
  private definitions: Definitions = { templates: new Map(), pools: new Map() };
  private readonly listeners: Array<() => void> = [];

  constructor(private readonly store: DefinitionStore) {}

  current(): Definitions {
    return this.definitions;
  }

  async reload(): Promise<void> {
    const before = fingerprint(this.definitions);
    this.definitions = await this.store.load();
    if (fingerprint(this.definitions) !== before)
      this.listeners.forEach(listener => listener());
  }

  /** Called after a reload that changed something. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}

function fingerprint(definitions: Definitions): string {
  return JSON.stringify([
    [...definitions.templates.values()],
    [...definitions.pools.values()],
  ]);
}
