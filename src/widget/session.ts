/**
 * The visitor's session token, kept in the page's localStorage per inbox so a reload or a new page
 * resumes the same conversation. Storage may be missing or refuse (private mode, blocked cookies):
 * the chat then simply lasts as long as the page.
 */
export type VisitorSession = {
  /** The relay's visitor token, or undefined before a chat started or after it ended. */
  readonly token: string | undefined;
  /** Keeps the token of a chat that just started. */
  start(token: string): void;
  /** Forgets the token of a chat the relay ended. */
  end(): void;
};

/** Opens the saved session for `inbox` (key `switchboard.webchat.<inbox>`). */
export function openSession(inbox: string): VisitorSession {
  const key = `switchboard.webchat.${inbox}`;
  let token = read(key);
  const save = () => {
    try {
      localStorage.setItem(key, JSON.stringify(token === undefined ? {} : { token }));
    } catch {
      // Private mode or blocked storage: the session lasts as long as the page.
    }
  };
  return {
    get token() {
      return token;
    },
    start(t) {
      token = t;
      save();
    },
    end() {
      token = undefined;
      save();
    },
  };
}

function read(key: string): string | undefined {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(key) ?? '{}');
    if (typeof saved !== 'object' || saved === null || !('token' in saved)) return undefined;
    return typeof saved.token === 'string' && saved.token !== '' ? saved.token : undefined;
  } catch {
    return undefined;
  }
}
