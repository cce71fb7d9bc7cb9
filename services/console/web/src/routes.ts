/** The app's pages (the console service answers 404 with the shell for any other path). */
export const PAGES = { shop: '/', control: '/control' } as const;

/** Goes to a page without reloading, and tells the app. */
export function navigate(path: string): void {
  window.history.pushState({}, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}
