/** Which of the console's customers the shopper is (by id; the BFF holds their tokens). */
export function CustomerPicker({
  customers,
  customerId,
  onChoose,
}: {
  customers: readonly string[];
  customerId: string | undefined;
  onChoose: (id: string) => void;
}) {
  return (
    <label className="customer">
      Signed in as{' '}
      <select
        value={customerId ?? ''}
        onChange={(e) => onChoose(e.target.value)}
        data-testid="customer"
      >
        {customers.map((id) => (
          <option key={id} value={id}>
            {id}
          </option>
        ))}
      </select>
    </label>
  );
}
