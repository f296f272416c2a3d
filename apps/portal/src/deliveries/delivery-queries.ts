import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { unwrap } from '../api/client';
import { useApi } from '../app/api-context';
import type { LogFilters } from '../app/view';

const PAGE = 25;

/** The delivery log, newest first, page by page, narrowed by `filters`; refreshed every 2 s while a delivery is pending. */
export function useDeliveries(channelId: string, filters: LogFilters = {}) {
  const { api } = useApi();
  return useInfiniteQuery({
    queryKey: ['deliveries', channelId, 'log', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/channels/{id}/deliveries', {
          params: {
            path: { id: channelId },
            query: { limit: PAGE, ...filters, ...(pageParam ? { before: pageParam } : {}) } as never,
          },
        }),
      ),
    getNextPageParam: (last) => last.next_before ?? undefined,
    refetchInterval: (query) =>
      query.state.data?.pages.some((p) => p.items.some((d) => d.status === 'pending')) ? 2000 : false,
  });
}

export function useRedeliver(channelId: string) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (deliveryId: string) => {
      const { response, error } = await api.POST('/v1/channels/{id}/deliveries/{dlv}/retry', {
        params: { path: { id: channelId, dlv: deliveryId } },
      });
      if (!response.ok) await unwrap(Promise.resolve({ error, response }));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries', channelId] }),
  });
}

export function useRetryFailedSince(channelId: string) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (since: string) =>
      unwrap(
        api.POST('/v1/channels/{id}/deliveries/retry', {
          params: { path: { id: channelId } },
          body: { since, status: 'failed' },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['deliveries', channelId] }),
  });
}

/** One delivery with its payload and attempts; refreshed every 2 s while it is pending. */
export function useDelivery(channelId: string, id: string) {
  const { api } = useApi();
  return useQuery({
    queryKey: ['deliveries', channelId, 'one', id],
    queryFn: () =>
      unwrap(api.GET('/v1/channels/{id}/deliveries/{dlv}', { params: { path: { id: channelId, dlv: id } } })),
    refetchInterval: (query) => (query.state.data?.status === 'pending' ? 2000 : false),
  });
}
