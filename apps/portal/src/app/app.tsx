import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api/client';
import { AuditLog } from '../audit/audit-log';
import { ChannelSettings } from '../channel/channel-settings';
import { ChannelList } from '../channels/channel-list';
import { NewChannel } from '../channels/new-channel';
import { DeliveryPage } from '../deliveries/delivery-page';
import { useProviders } from './config-fields';
import { goTo, hrefOf, parseRoute, useLocationHash } from './route';
import type { Navigate, View } from './view';

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

/**
 * A secret shown once after creating a channel: it lives in this module's
 * memory only, for the channel screen that follows, and is gone after the
 * next move or a reload (never in the address, the history or storage).
 */
let oneTimeSecret: { channelId: string; secret: string } | null = null;

const navigate: Navigate = (next, options) => {
  oneTimeSecret = next.screen === 'channel' && next.secret ? { channelId: next.id, secret: next.secret } : null;
  goTo(next, options);
  if (!options?.replace) window.scrollTo(0, 0);
};

function titleOf(view: View | null): string {
  switch (view?.screen) {
    case 'channels':
      return 'Channels';
    case 'new-channel':
      return 'New channel';
    case 'channel':
      return 'Channel';
    case 'delivery':
      return 'Delivery';
    case 'audit':
      return 'Audit log';
    default:
      return 'Page not found';
  }
}

/**
 * After a move (a link, Back, Forward), focus goes to the new screen's container, so keyboard and
 * screen-reader users start at its top as after a page load; the first screen keeps the browser's focus.
 */
function useFocusOnMove(hash: string) {
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    // `hash` is the trigger: a new screen, not a new filter (the caller passes the path only).
    void hash;
    main.current?.focus({ preventScroll: true });
  }, [hash]);
  return main;
}

/** The portal: a navigation bar and the screen at the current address. */
export function App({ expiresAt }: { expiresAt: number | null }) {
  const hash = useLocationHash();
  const view = parseRoute(hash);
  const providers = useProviders();
  const expired = useSessionExpired(expiresAt);
  const main = useFocusOnMove(hash.split('?')[0] ?? '');
  // Any move away from the channel the secret belongs to forgets it: Back does not bring it back.
  useEffect(() => {
    if (oneTimeSecret && !(view?.screen === 'channel' && view.id === oneTimeSecret.channelId)) oneTimeSecret = null;
  });
  useEffect(() => {
    document.title = `${titleOf(view)} · Wrenn Channels`;
  });
  if (expired) {
    return (
      <SessionMessage title="Your session has expired">
        Portal sessions last one hour. Open the channels page again from your dashboard to continue.
      </SessionMessage>
    );
  }
  const providerLabel = (name: string) => providers.data?.find((p) => p.name === name)?.label ?? name;
  const secret = view?.screen === 'channel' && oneTimeSecret?.channelId === view.id ? oneTimeSecret.secret : undefined;
  return (
    <>
      <header className="bar">
        <span className="brand">Wrenn Channels</span>
        <nav aria-label="Portal">
          <a
            className="link"
            href={hrefOf({ screen: 'channels' })}
            aria-current={view && view.screen !== 'audit' ? 'page' : undefined}
          >
            Channels
          </a>
          <a
            className="link"
            href={hrefOf({ screen: 'audit' })}
            aria-current={view?.screen === 'audit' ? 'page' : undefined}
          >
            Audit log
          </a>
        </nav>
      </header>
      <main className="page" ref={main} tabIndex={-1}>
        {view === null ? (
          <section>
            <h1>Page not found</h1>
            <p>
              This address names no screen of the portal. <a href={hrefOf({ screen: 'channels' })}>All channels</a>
            </p>
          </section>
        ) : null}
        {view?.screen === 'channels' ? <ChannelList navigate={navigate} providerLabel={providerLabel} /> : null}
        {view?.screen === 'new-channel' ? <NewChannel navigate={navigate} /> : null}
        {view?.screen === 'channel' ? (
          <ChannelSettings
            key={view.id}
            id={view.id}
            secret={secret}
            filters={view.filters ?? {}}
            navigate={navigate}
          />
        ) : null}
        {view?.screen === 'delivery' ? <DeliveryPage key={view.id} channelId={view.channelId} id={view.id} /> : null}
        {view?.screen === 'audit' ? <AuditLog /> : null}
      </main>
    </>
  );
}
