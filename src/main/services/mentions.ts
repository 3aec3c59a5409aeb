/**
 * Agents named as "@Full Name" in a note (case-insensitive, longest name first so "@Li Na" is not
 * taken for "@Li"); at most 20, as the mutation allows.
 */
export function mentionsIn(body: string, agents: readonly { id: string; name: string }[]): string[] {
  let text = body.toLocaleLowerCase();
  const found: string[] = [];
  for (const a of [...agents].filter((x) => x.name).sort((x, y) => y.name.length - x.name.length)) {
    const token = `@${a.name.toLocaleLowerCase()}`;
    const at = text.indexOf(token);
    if (at < 0 || found.includes(a.id)) continue;
    found.push(a.id);
    // Blank out the match so a shorter name inside it ("@Li" in "@Li Na") is not found again.
    text = text.slice(0, at) + ' '.repeat(token.length) + text.slice(at + token.length);
  }
  return found.slice(0, 20);
}
