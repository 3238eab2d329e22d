// What an uploaded file is, told from its bytes alone (the browser's type and the name are the
// sender's word). Our own signatures rather than a detection package: evidence takes a dozen
// document and image types, and the dangerous cases here are text (HTML, SVG, scripts), which
// byte-signature libraries do not recognise at all — so the text checks are ours either way.

/** A type we keep, or why the file is refused. */
export type Sniffed = { ok: true; type: string; label: string; ext: string } | { ok: false; reason: string };

const ZIP_TYPES: [marker: string, type: string, label: string, ext: string][] = [
  [
    'word/',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'Word document',
    'docx',
  ],
  ['xl/', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'Excel workbook', 'xlsx'],
  [
    'ppt/',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'PowerPoint presentation',
    'pptx',
  ],
];
const ODF: Record<string, [label: string, ext: string]> = {
  'application/vnd.oasis.opendocument.text': ['OpenDocument text', 'odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['OpenDocument spreadsheet', 'ods'],
  'application/vnd.oasis.opendocument.presentation': ['OpenDocument presentation', 'odp'],
};

/** Human names of the types we keep (for "allowed: …" messages and the form's hints). */
export const TYPE_LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'image/png': 'PNG image',
  'image/jpeg': 'JPEG image',
  'image/gif': 'GIF image',
  'image/webp': 'WebP image',
  'text/plain': 'plain text',
  'application/zip': 'ZIP archive',
  ...Object.fromEntries(ZIP_TYPES.map(([, type, label]) => [type, label])),
  ...Object.fromEntries(Object.entries(ODF).map(([type, [label]]) => [type, label])),
};

/** The file extension each kept type is saved with. */
export const TYPE_EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/plain': 'txt',
  'application/zip': 'zip',
  ...Object.fromEntries(ZIP_TYPES.map(([, type, , ext]) => [type, ext])),
  ...Object.fromEntries(Object.entries(ODF).map(([type, [, ext]]) => [type, ext])),
};

const kept = (type: string): Sniffed => ({
  ok: true,
  type,
  label: TYPE_LABELS[type]!,
  ext: TYPE_EXTENSIONS[type]!,
});

const starts = (b: Buffer, ...bytes: number[]) => bytes.every((x, i) => b[i] === x);
const ascii = (b: Buffer, at: number, s: string) => b.toString('latin1', at, at + s.length) === s;

export function sniff(data: Buffer): Sniffed {
  if (data.length === 0) return { ok: false, reason: 'The file is empty.' };
  if (ascii(data, 0, '%PDF-')) return kept('application/pdf');
  if (starts(data, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return kept('image/png');
  if (starts(data, 0xff, 0xd8, 0xff)) return kept('image/jpeg');
  if (ascii(data, 0, 'GIF87a') || ascii(data, 0, 'GIF89a')) return kept('image/gif');
  if (ascii(data, 0, 'RIFF') && ascii(data, 8, 'WEBP')) return kept('image/webp');
  if (starts(data, 0x50, 0x4b, 0x03, 0x04)) return zip(data);
  if (
    ascii(data, 0, 'MZ') ||
    starts(data, 0x7f, 0x45, 0x4c, 0x46) ||
    starts(data, 0xcf, 0xfa, 0xed, 0xfe) ||
    starts(data, 0xca, 0xfe, 0xba, 0xbe)
  )
    return { ok: false, reason: 'Programs cannot be uploaded.' };
  return text(data);
}

/** Office Open XML names its parts (`word/…`) in the archive; OpenDocument stores `mimetype` first. */
function zip(data: Buffer): Sniffed {
  if (ascii(data, 30, 'mimetype')) {
    const declared = data.toString('latin1', 38, 38 + 60).replace(/[^a-z0-9.+/-].*$/s, '');
    const odf = Object.keys(ODF).find((t) => declared === t);
    if (odf) return kept(odf);
  }
  const names = data.toString('latin1');
  if (names.includes('[Content_Types].xml')) {
    for (const [marker, type] of ZIP_TYPES) if (names.includes(marker)) return kept(type);
  }
  return kept('application/zip');
}

const decoder = new TextDecoder('utf-8', { fatal: true });
// Markup a browser would run or render if the file were ever shown inline.
const ACTIVE = /<\s*(script|html|svg|iframe|object|embed|body|head|meta|!doctype|\?xml)\b|javascript:/i;

function text(data: Buffer): Sniffed {
  let s: string;
  try {
    s = decoder.decode(data);
  } catch {
    return {
      ok: false,
      reason: 'We could not tell what kind of file this is. Send a PDF, an image or a document.',
    };
  }
  // Control characters other than tab, newlines and form feed mean binary, not text.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(s))
    return {
      ok: false,
      reason: 'We could not tell what kind of file this is. Send a PDF, an image or a document.',
    };
  const head = s.replace(/^\uFEFF/, '').trimStart();
  if (/^<svg\b/i.test(head) || /<svg\b/i.test(s.slice(0, 4096)))
    return {
      ok: false,
      reason: 'SVG files cannot be uploaded (they can carry scripts). Send a PNG or a PDF.',
    };
  if (head.startsWith('<') || ACTIVE.test(s))
    return {
      ok: false,
      reason: 'HTML, XML and files with scripts cannot be uploaded. Send a PDF or plain text.',
    };
  if (head.startsWith('#!')) return { ok: false, reason: 'Scripts cannot be uploaded.' };
  return kept('text/plain');
}
