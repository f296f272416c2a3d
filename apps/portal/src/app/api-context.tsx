import { createContext, type ReactNode, useContext } from 'react';
import type { Api } from '../api/client';

interface ApiContextValue {
  api: Api;
  token: string;
}

const ApiContext = createContext<ApiContextValue | null>(null);

export function ApiProvider({ api, token, children }: ApiContextValue & { children: ReactNode }) {
  return <ApiContext.Provider value={{ api, token }}>{children}</ApiContext.Provider>;
}

/** The typed client and the session token of the page. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi outside ApiProvider');
  return value;
}
