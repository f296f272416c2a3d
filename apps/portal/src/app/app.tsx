import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { AuditLog } from '../audit/audit-log';
import { ChannelSettings } from '../channel/channel-settings';
import { ChannelList } from '../channels/channel-list';
import { NewChannel } from '../channels/new-channel';
import { useProviders } from './config-fields';
import type { View } from './view';

/** True once the session token has expired, by its `exp` or by a 401 from the API. */
function useSessionExpired(expiresAt: number | null): boolean {
  const queryClient = useQueryClient();
  const [expired, setExpired] = useState(expiresAt !== null && expiresAt <= Date.now());
  useEffect(() => {
    if (expiresAt === null) return;
    const timer = setTimeout(() => setExpired(true), Math.max(0, expiresAt - Date.now()));
    return () => clearTimeout(timer);
  }, [expiresAt]);
  useEffect(() => {
    const is401 = (error: unknown) => error instanceof ApiError && error.status === 401;
    const unsubscribeQueries = queryClient.getQueryCache().subscribe((event) => {
      if (is401(event.query.state.error)) setExpired(true);
    });
    const unsubscribeMutations = queryClient.getMutationCache().subscribe((event) => {
      if (is401(event.mutation?.state.error)) setExpired(true);
    });
    return () => {
      unsubscribeQueries();
      unsubscribeMutations();
    };
  }, [queryClient]);
  return expired;
}

export function SessionMessage({ title, children }: { title: string; children: string }) {
  return (
    <main className="page">
      <section className="notice" role="alert">
        <h1>{title}</h1>
        <p>{children}</p>
      </section>
    </main>
  );
}

/** The portal: a navigation bar and the current screen. */
export function App({ expiresAt }: { expiresAt: number | null }) {
  const [view, setView] = useState<View>({ screen: 'channels' });
  const providers = useProviders();
  const expired = useSessionExpired(expiresAt);
  const navigate = (next: View) => {
    setView(next);
    window.scrollTo(0, 0);
  };
  if (expired) {
    return (
      <SessionMessage title="Your session has expired">
        Portal sessions last one hour. Open the channels page again from your dashboard to continue.
      </SessionMessage>
    );
  }
  const providerLabel = (name: string) => providers.data?.find((p) => p.name === name)?.label ?? name;
  return (
    <>
      <header className="bar">
        <span className="brand">Wrenn Channels</span>
        <nav aria-label="Portal">
          <button
            type="button"
            className="link"
            aria-current={view.screen !== 'audit' ? 'page' : undefined}
            onClick={() => navigate({ screen: 'channels' })}
          >
            Channels
          </button>
          <button
            type="button"
            className="link"
            aria-current={view.screen === 'audit' ? 'page' : undefined}
            onClick={() => navigate({ screen: 'audit' })}
          >
            Audit log
          </button>
        </nav>
      </header>
      <main className="page">
        {view.screen === 'channels' ? <ChannelList navigate={navigate} providerLabel={providerLabel} /> : null}
        {view.screen === 'new-channel' ? <NewChannel navigate={navigate} /> : null}
        {view.screen === 'channel' ? (
          <ChannelSettings key={view.id} id={view.id} secret={view.secret} navigate={navigate} />
        ) : null}
        {view.screen === 'audit' ? <AuditLog /> : null}
      </main>
    </>
  );
}
