/** @jest-environment jsdom */
import { fireEvent, render, screen } from '@testing-library/react';
import { fakeFetch } from '../../test/fake-fetch';
import { LoadControl } from './LoadControl';

describe('LoadControl', () => {
  it('when a rate above the ceiling is refused, then the refusal is shown and the rate was sent as a number', async () => {
    const calls = fakeFetch({
      'POST /api/control/load': {
        status: 422,
        body: {
          title: 'Unprocessable Content',
          detail: 'A rate of 99 checkouts/s is refused: choose 1 to 40.',
        },
      },
    });
    render(
      <LoadControl
        status={{
          running: false,
          ratePerSecond: 0,
          maxRatePerSecond: 40,
          startedAt: null,
          outcomes: {},
        }}
      />,
    );

    fireEvent.change(screen.getByTestId('load-rate'), { target: { value: '99' } });
    fireEvent.click(screen.getByTestId('load-start'));

    expect((await screen.findByTestId('load-problem')).textContent).toContain('choose 1 to 40');
    expect(calls[0]!.body).toEqual({ ratePerSecond: 99 });
    expect(screen.getByTestId('load-status').textContent).toContain('at most 40/s');
  });
});
