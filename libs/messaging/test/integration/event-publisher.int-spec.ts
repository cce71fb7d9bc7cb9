import { messageCount, readAll } from '@rc/testing';
import { createEvent } from '@rc/contracts';
import { EventPublisher } from '../../src';
import { createTopics, testKafka } from './support/kafka-fixture';

describe('EventPublisher (direct, no outbox)', () => {
  const kafka = testKafka();
  let topic: string;
  let removeTopics: () => Promise<void>;
  let publisher: EventPublisher;

  beforeAll(async () => {
    const created = await createTopics(kafka, ['carts']);
    topic = created.topics[0]!;
    removeTopics = created.remove;
    publisher = new EventPublisher(kafka);
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await removeTopics?.();
  });

  it('when an event is published, then it is on the topic keyed by its aggregate with identity headers', async () => {
    const event = createEvent('CartItemAdded', 'cart-42', {
      cartId: 'cart-42',
      sku: 'SKU-9',
      quantity: 3,
    });

    await publisher.publish(event, { topic });

    const [message, ...rest] = await readAll(kafka, topic);
    expect(rest).toHaveLength(0);
    expect(message!.key!.toString()).toBe('cart-42');
    expect(JSON.parse(message!.value!.toString())).toEqual(event);
    expect(message!.headers!['event-type']!.toString()).toBe('CartItemAdded');
  });

  it('when the event is invalid, then publish rejects with a typed error and sends nothing', async () => {
    const event = createEvent('CartItemRemoved', 'cart-1', {
      cartId: 'cart-1',
      sku: 'S',
      quantity: 1,
    });
    const bad = { ...event, data: { ...event.data, quantity: 0 } };
    const before = await messageCount(kafka, topic);

    await expect(publisher.publish(bad, { topic })).rejects.toMatchObject({
      code: 'CONTRACTS.INVALID_EVENT_DATA',
    });
    expect(await messageCount(kafka, topic)).toBe(before);
  });
});
