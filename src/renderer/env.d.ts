// Vite's ?raw suffix imports a file's text (tests read styles.css this way).
declare module '*?raw' {
  const text: string;
  export default text;
}
