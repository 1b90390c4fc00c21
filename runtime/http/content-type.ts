// The Content-Type a served file goes out with, from its extension (SPEC §5): browsers refuse module scripts,
// stylesheets and wasm streaming compilation without the right one, and `nosniff` (serve-bytes.ts) means
// they will not guess.
//
// Decisions: extensions are matched case-insensitively on the last `.` of the last segment (`a.tar.gz` is
// gzip; `.bashrc` and `README` have none); unknown ones are application/octet-stream, which browsers
// download rather than render; every textual type carries `; charset=utf-8` (bundles and FileStores hold
// UTF-8), including JavaScript, JSON, SVG and XML.

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

const TYPES: ReadonlyMap<string, string> = new Map(Object.entries({
  // documents and code
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  mjs: 'text/javascript',
  cjs: 'text/javascript',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  xml: 'application/xml',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  pdf: 'application/pdf',
  wasm: 'application/wasm',
  // Starlane's own sources, as shown in a browser
  bind: 'text/plain',
  router: 'text/plain',
  script: 'text/plain',
  config: 'text/plain',
  mechtron: 'text/plain',
  // images
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  // fonts
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  // media
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  // archives
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
}));

/** Whether a media type (without parameters) is text a browser decodes with a charset. */
export function isTextualType(mediaType: string): boolean {
  const type = mediaType.toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/yaml' ||
    type === 'application/javascript'
  );
}

/** The extension of a path's last segment, lower-cased, without the dot; '' when there is none. */
export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** `index.html` → `text/html; charset=utf-8`, `logo.png` → `image/png`, unknown → application/octet-stream. */
export function contentTypeFor(path: string): string {
  // A Map, so `x.constructor` or `x.__proto__` find nothing inherited.
  const type = TYPES.get(extensionOf(path));
  if (type === undefined) return DEFAULT_CONTENT_TYPE;
  return isTextualType(type) ? `${type}; charset=utf-8` : type;
}
