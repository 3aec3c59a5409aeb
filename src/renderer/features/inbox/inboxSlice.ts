import type { OfferView } from '../../../shared/sync/protocol';
import type { SliceCreator } from '../../store/types';

export type InboxSlice = {
  /** Work the relay offers this agent now. */
  offers: OfferView[];
  selectedConversationId: string | null;
  setOffers: (offers: OfferView[]) => void;
  openConversation: (id: string | null) => void;
};

export const createInboxSlice: SliceCreator<InboxSlice> = (set) => ({
  offers: [],
  selectedConversationId: null,
  setOffers: (offers) => set({ offers }),
  openConversation: (selectedConversationId) =>
    set(selectedConversationId ? { selectedConversationId, view: 'inbox' } : { selectedConversationId }),
});
