import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { ApiClient } from '../api/client';
import type { RootState, RootStore } from '../store';

type AppContextValue = { api: ApiClient; store: RootStore };
const AppContext = createContext<AppContextValue | null>(null);

export function AppProvider(props: AppContextValue & { children: ReactNode }) {
  return (
    <AppContext.Provider value={{ api: props.api, store: props.store }}>{props.children}</AppContext.Provider>
  );
}

function useAppContext(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('AppProvider is missing');
  return v;
}

/** The typed app API. */
export function useApi(): ApiClient {
  return useAppContext().api;
}

/** Selects one value from the root store (wrap derived objects in useShallow). */
export function useRoot<T>(selector: (s: RootState) => T): T {
  return useStore(useAppContext().store, selector);
}
