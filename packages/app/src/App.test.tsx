import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('asks for OpenID Connect sign-in and offers no guest access', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'AIGC Gateway' },
            backend: { baseUrl: 'http://localhost:7007' },
            auth: { environment: 'development' },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(await screen.findByText('Company sign-in')).toBeInTheDocument();
    expect(
      screen.getByText('Sign in with your company account (OpenID Connect)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/guest/i)).not.toBeInTheDocument();
  });
});
