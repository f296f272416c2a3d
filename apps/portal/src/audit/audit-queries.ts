import { useInfiniteQuery } from '@tanstack/react-query';
import { unwrap } from '../api/client';
import { useApi } from '../app/api-context';

/** The team's audit log, newest first, page by page. */
export function useAuditLog() {
  const { api } = useApi();
  return useInfiniteQuery({
    queryKey: ['audit'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET('/v1/audit-logs', {
          params: { query: { limit: 50, ...(pageParam ? { before: pageParam } : {}) } as never },
        }),
      ),
    getNextPageParam: (last) => last.next_before ?? undefined,
  });
}
