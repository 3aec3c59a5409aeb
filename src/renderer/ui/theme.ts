/** Applies a theme to the document: `data-theme` drives the CSS variables in styles.css. */
export function applyTheme(theme: 'system' | 'light' | 'dark'): void {
  const resolved =
    theme === 'system'
      ? typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
        ? 'dark'
        : 'light'
      : theme;
  document.documentElement.dataset['theme'] = resolved;
  document.documentElement.dataset['themeSetting'] = theme;
}
