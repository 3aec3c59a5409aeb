import type { OfferView } from '../../../shared/sync/protocol';
import type { SliceCreator } from '../../store/types';

export type InboxSlice = {
  /** Work the relay offers this agent now. */
  offers: OfferView[];
  selectedConversationId: string | null;
  /** Conversations whose customer is typing now (web chat), by id. */
  customerTyping: Record<string, true>;
  /** Unsent composer text per conversation, kept while the agent moves between conversations. */
  drafts: Record<string, string>;
  setDraft: (conversationId: string, text: string) => void;
  setOffers: (offers: OfferView[]) => void;
  setCustomerTyping: (conversationId: string, on: boolean) => void;
  openConversation: (id: string | null) => void;
};

export const createInboxSlice: SliceCreator<InboxSlice> = (set) => ({
  offers: [],
  selectedConversationId: null,
  customerTyping: {},
  drafts: {},
  setDraft: (conversationId, text) =>
    set((s) => {
      const drafts = { ...s.drafts };
      if (text) drafts[conversationId] = text;
      else delete drafts[conversationId];
      return { drafts };
    }),
  setOffers: (offers) => set({ offers }),
  setCustomerTyping: (conversationId, on) =>
    set((s) => {
      const next = { ...s.customerTyping };
      if (on) next[conversationId] = true;
      else delete next[conversationId];
      return { customerTyping: next };
    }),
  openConversation: (selectedConversationId) =>
    set(selectedConversationId ? { selectedConversationId, view: 'inbox' } : { selectedConversationId }),
});
