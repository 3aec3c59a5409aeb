import type { StateCreator } from 'zustand';
import type { RootState } from './index';

/** A slice creator that sees the whole root state, under the root's devtools middleware. */
export type SliceCreator<S> = StateCreator<RootState, [['zustand/devtools', never]], [], S>;
