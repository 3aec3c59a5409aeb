import { describe, expect, it } from 'vitest';
import { takeHostSecret } from './wsTransport';

describe('renderer/api/takeHostSecret', () => {
  it('takes the secret from the fragment, keeps it for the session and clears the address bar', () => {
    history.replaceState(null, '', '/?dial=tel:123#k=abcdefghijklmnopqrstuvwxyz012345');
    sessionStorage.clear();
    expect(takeHostSecret(location, sessionStorage, history)).toBe('abcdefghijklmnopqrstuvwxyz012345');
    expect(location.hash).toBe('');
    expect(location.search).toBe('?dial=tel:123');
    // A reload (no fragment) still has it.
    expect(takeHostSecret(location, sessionStorage, history)).toBe('abcdefghijklmnopqrstuvwxyz012345');
  });

  it('ignores a malformed secret', () => {
    sessionStorage.clear();
    history.replaceState(null, '', '/#k=<script>');
    expect(takeHostSecret(location, sessionStorage, history)).toBeNull();
  });
});
