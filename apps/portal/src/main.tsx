import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError, createApi } from './api/client';
import { ApiProvider } from './app/api-context';
import { App, SessionMessage } from './app/app';
import { tabStorage, takeSession } from './app/session';
import './styles.css';

const session = takeSession(window.location, window.history, tabStorage());
const root = createRoot(document.getElementById('root') as HTMLElement);

if (!session) {
  root.render(
    <SessionMessage title="No portal session">
      This page opens from your dashboard with a sign-in link. Open the channels page from there.
    </SessionMessage>,
  );
} else {
  const queryClient = new QueryClient({
    defaultOptions: {
      queries: {
        // Client errors (401, 404, 400) do not get better by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
        refetchOnWindowFocus: false,
      },
    },
  });
  root.render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <ApiProvider api={createApi(session.token)} token={session.token}>
          <App expiresAt={session.expiresAt} />
        </ApiProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
