import { useQuery } from '@tanstack/react-query';
import type { Api } from '../api/client';
import { useApi } from './api-context';

/**
 * A list the service describes itself with (`GET /v1/providers`,
 * `GET /v1/event-types`): fetched once under `key`; it never changes while the
 * page is open.
 */
export function useCatalog<T>(key: string, load: (api: Api) => Promise<{ items: T[] }>) {
  const { api } = useApi();
  return useQuery({
    queryKey: [key],
    queryFn: async () => (await load(api)).items,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
