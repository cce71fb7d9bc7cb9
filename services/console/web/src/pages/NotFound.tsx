import { navigate, PAGES } from '../routes';

/** The page of any path the app does not know. */
export function NotFound({ path }: { path: string }) {
  return (
    <section className="not-found" data-testid="not-found">
      <h1>Page not found</h1>
      <p>
        There is nothing at <code>{path}</code>.
      </p>
      <p>
        <a
          href={PAGES.shop}
          onClick={(e) => {
            e.preventDefault();
            navigate(PAGES.shop);
          }}
        >
          Back to the shop
        </a>
      </p>
    </section>
  );
}
