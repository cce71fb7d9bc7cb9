/** A resource to close on shutdown (pool, client, consumer, relay). */
export type ShutdownHook = () => Promise<void> | void;

/**
 * Resources to close when the service stops, run in reverse order of registration (a consumer
 * registered after its pool closes first). A failing hook is reported and the rest still run.
 */
export class ShutdownRegistry {
  private readonly hooks: { name: string; hook: ShutdownHook }[] = [];

  /** Registers `hook` under `name` (used in logs). */
  onShutdown(name: string, hook: ShutdownHook): void {
    this.hooks.push({ name, hook });
  }

  /** Runs every hook, last registered first; returns the names of the hooks that failed. */
  async runAll(onError: (name: string, e: unknown) => void = () => undefined): Promise<string[]> {
    const failed: string[] = [];
    for (const { name, hook } of [...this.hooks].reverse()) {
      try {
        await hook();
      } catch (e) {
        failed.push(name);
        onError(name, e);
      }
    }
    this.hooks.length = 0;
    return failed;
  }
}
