import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type CreateChannelBody, unwrap } from '../api/client';
import { useApi } from '../app/api-context';

export function useChannels() {
  const { api } = useApi();
  return useQuery({ queryKey: ['channels'], queryFn: () => unwrap(api.GET('/v1/channels')) });
}

export function useCreateChannel() {
  const { api } = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateChannelBody) => unwrap(api.POST('/v1/channels', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['channels'] }),
  });
}

/** `POST /v1/channels/test`: sends a test event with a config that is not stored. */
export function useTestConfig() {
  const { api } = useApi();
  return useMutation({
    mutationFn: (body: { provider: string; config: Record<string, string> }) =>
      unwrap(api.POST('/v1/channels/test', { body: body as never })),
  });
}
