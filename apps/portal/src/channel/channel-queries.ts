import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type Channel, unwrap } from '../api/client';
import { useApi } from '../app/api-context';

const path = (id: string) => ({ params: { path: { id } } });

export function useChannel(id: string) {
  const { api } = useApi();
  return useQuery({ queryKey: ['channel', id], queryFn: () => unwrap(api.GET('/v1/channels/{id}', path(id))) });
}

/** Invalidates what a change of one channel affects. */
function useRefresh(id: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['channel', id] }),
      queryClient.invalidateQueries({ queryKey: ['channels'] }),
      queryClient.invalidateQueries({ queryKey: ['audit'] }),
    ]);
}

export function useUpdateChannel(id: string) {
  const { api } = useApi();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (body: {
      name?: string;
      events?: string[];
      enabled?: boolean;
      message_style?: 'each' | 'resource';
      filter?: string | null;
      quiet_hours?: Channel['quiet_hours'];
    }) => unwrap(api.PATCH('/v1/channels/{id}', { ...path(id), body: body as never })),
    onSuccess: refresh,
  });
}

export function useReplaceConfig(id: string) {
  const { api } = useApi();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (config: Record<string, string>) =>
      unwrap(api.PUT('/v1/channels/{id}/config', { ...path(id), body: { config } })),
    onSuccess: refresh,
  });
}

export function useTestChannel(id: string) {
  const { api } = useApi();
  return useMutation({ mutationFn: () => unwrap(api.POST('/v1/channels/{id}/test', path(id))) });
}

export function useRotateSecret(id: string) {
  const { api } = useApi();
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (gracePeriodS: number) =>
      unwrap(api.POST('/v1/channels/{id}/rotate-secret', { ...path(id), body: { grace_period_s: gracePeriodS } })),
    onSuccess: refresh,
  });
}

export function useDeleteChannel(id: string) {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      const { response, error } = await api.DELETE('/v1/channels/{id}', path(id));
      if (!response.ok) await unwrap(Promise.resolve({ error, response }));
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['channels'] }),
        queryClient.invalidateQueries({ queryKey: ['audit'] }),
      ]),
  });
}

/** "Try it": which of the channel's latest events a filter would deliver; stores nothing. */
export function useFilterPreview(id: string) {
  const { api } = useApi();
  return useMutation({
    mutationFn: (filter: string) =>
      unwrap(api.POST('/v1/channels/{id}/filter-preview', { ...path(id), body: { filter } })),
  });
}
