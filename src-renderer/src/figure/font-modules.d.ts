// Vite inlines `?inline` assets as data URLs (vite/client's types are not loaded in this project).
declare module '*.ttf?inline' {
  const dataUrl: string;
  export default dataUrl;
}
