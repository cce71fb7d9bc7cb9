import { useEffect, useState } from 'react';
import { ControlRoom } from './pages/ControlRoom';
import { NotFound } from './pages/NotFound';
import { Storefront } from './pages/Storefront';
import { navigate, PAGES } from './routes';

/** Which page a path shows. */
export function pageOf(path: string): 'shop' | 'control' | 'not-found' {
  const p = path.replace(/\/$/, '') || '/';
  if (p === PAGES.shop) return 'shop';
  if (p === PAGES.control) return 'control';
  return 'not-found';
}

/** The console: a shop and a control room, with a not-found page for any other path. */
export function App() {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const onPop = () => setPath(window.location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const page = pageOf(path);
  const link = (to: string, label: string, current: boolean) => (
    <a
      href={to}
      aria-current={current ? 'page' : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <>
      <header className="top">
        <strong>Resilient Commerce</strong>
        <nav>
          {link(PAGES.shop, 'Shop', page === 'shop')}
          {link(PAGES.control, 'Control room', page === 'control')}
        </nav>
      </header>
      <main>
        {page === 'shop' && <Storefront />}
        {page === 'control' && <ControlRoom />}
        {page === 'not-found' && <NotFound path={path} />}
      </main>
    </>
  );
}
