import type { CoPurchaseModel, PurchasedLine } from '../domain/co-purchase-model.port';

/** Input of {@link RecordOrder}: one `OrderPlaced` event. */
export interface RecordOrderCommand {
  /** Envelope id: the model applies each event once. */
  eventId: string;
  items: readonly PurchasedLine[];
}

/**
 * Teaches the model one placed order (from `OrderPlaced`). Idempotent per event: Kafka's
 * redeliveries and DLQ redrives apply once. Failures propagate, so the consumer retries and
 * finally dead-letters (redrivable) the event.
 */
export class RecordOrder {
  constructor(private readonly model: CoPurchaseModel) {}

  async execute(command: RecordOrderCommand): Promise<'applied' | 'duplicate'> {
    return this.model.recordOrder(command.eventId, command.items);
  }

  /**
   * Teaches the model several orders in one round trip, with the effect of {@link execute} for
   * each in order. If it fails, some may be learnt; executing them again finds them duplicates.
   */
  async executeBatch(
    commands: readonly RecordOrderCommand[],
  ): Promise<ReadonlyArray<'applied' | 'duplicate'>> {
    return this.model.recordOrders(
      commands.map((command) => ({ eventId: command.eventId, lines: command.items })),
    );
  }
}
