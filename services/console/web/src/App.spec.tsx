/** @jest-environment jsdom */
import { render, screen } from '@testing-library/react';
import { App, pageOf } from './App';

// The control room draws a canvas chart and opens an event stream: jsdom has neither, and these
// tests are about routing.
jest.mock('./pages/ControlRoom', () => ({ ControlRoom: () => null }));

describe('App', () => {
  it('when the path is unknown, then the not-found page names it', () => {
    window.history.pushState({}, '', '/no/such/page');
    render(<App />);

    expect(screen.getByTestId('not-found').textContent).toContain('/no/such/page');
  });

  it('when routing, then the shop and the control room have their paths', () => {
    expect(pageOf('/')).toBe('shop');
    expect(pageOf('/control/')).toBe('control');
    expect(pageOf('/controls')).toBe('not-found');
  });
});
