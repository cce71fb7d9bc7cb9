import { checkoutOrderId, ORDER_ID_NAMESPACE, uuidV5 } from './order-id';

describe('order ids', () => {
  it('when hashing the RFC 9562 example name, then the published UUIDv5 comes out', () => {
    // RFC 9562 appendix A.4: "www.example.com" in the DNS namespace.
    const id = uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8');

    expect(id).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('when the same customer retries with the same key, then the order id is the same', () => {
    expect(checkoutOrderId('cust-1', 'key-1')).toBe(checkoutOrderId('cust-1', 'key-1'));
  });

  it('when the key or the customer differs, then the order id differs', () => {
    const base = checkoutOrderId('cust-1', 'key-1');

    expect(checkoutOrderId('cust-1', 'key-2')).not.toBe(base);
    expect(checkoutOrderId('cust-2', 'key-1')).not.toBe(base);
  });

  it('when an id is made, then it is a version-5 RFC UUID', () => {
    expect(checkoutOrderId('c', 'k')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('when the namespace is not a UUID, then it is refused', () => {
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError);
  });

  it('when a customer id contains ":", then no other (customer, key) pair shares its order id', () => {
    const pairs: [string, string][] = [
      ['a', 'b:c'],
      ['a:b', 'c'],
      ['a:b:c', ''],
      ['', 'a:b:c'],
      ['a:', 'b:c'],
    ];
    const ids = pairs.map(([customer, key]) => checkoutOrderId(customer, key));

    expect(new Set(ids).size).toBe(pairs.length);
    // ids of customers without ":" never changed (a retry across a deploy keeps its order)
    expect(checkoutOrderId('cust-1', 'key-1')).toBe(uuidV5('cust-1:key-1', ORDER_ID_NAMESPACE));
  });
});
