import { useEffect, useRef, useState } from 'react';
import { useApi, useRoot } from '../../app/context';
import { onComposerCommand } from './shortcuts';

/** The composer of one conversation: its draft, reply or note, sending, and the typing signal. */
export type ComposerState = ReturnType<typeof useComposer>;

/**
 * The state of a conversation's composer. The draft lives in the store per conversation, so
 * switching away and back keeps it; keyboard shortcuts (see shortcuts.ts) ask for the composer,
 * as a reply or as a note.
 */
export function useComposer(conversationId: string) {
  const body = useRoot((s) => s.drafts[conversationId] ?? '');
  const setDraft = useRoot((s) => s.setDraft);
  const setBody = (text: string) => setDraft(conversationId, text);
  const [asNote, setAsNote] = useState(false);
  const [sending, setSending] = useState(false);
  const setTyping = useTypingSignal(conversationId);
  const textarea = useRef<HTMLTextAreaElement>(null);
  useEffect(
    () =>
      onComposerCommand((cmd) => {
        setAsNote(cmd === 'focusNote');
        textarea.current?.focus();
      }),
    [],
  );
  return { body, setBody, asNote, setAsNote, sending, setSending, setTyping, textarea };
}

/**
 * The customer sees "typing" while the agent writes a reply (web chat); off after 3 s idle, and
 * off when the agent leaves the conversation.
 */
function useTypingSignal(conversationId: string): (on: boolean) => void {
  const api = useApi();
  const typing = useRef<{ on: boolean; timer: ReturnType<typeof setTimeout> | null }>({
    on: false,
    timer: null,
  });
  const setTyping = (on: boolean) => {
    const tr = typing.current;
    if (tr.timer) clearTimeout(tr.timer);
    tr.timer = on ? setTimeout(() => setTyping(false), 3_000) : null;
    if (tr.on === on) return;
    tr.on = on;
    api.call('inbox:setTyping', { conversationId, on }).catch(() => {
      // Typing is a courtesy: offline or refused, nothing to tell the agent.
    });
  };
  useEffect(
    () => () => {
      const tr = typing.current;
      if (tr.timer) clearTimeout(tr.timer);
      if (tr.on) void api.call('inbox:setTyping', { conversationId, on: false }).catch(() => {});
      tr.on = false;
    },
    [api, conversationId],
  );
  return setTyping;
}
