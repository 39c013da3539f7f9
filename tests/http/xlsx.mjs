// xlsx.mjs: a small reader of XLSX workbooks for the tests, enough to check
// what Guichet writes: the ZIP container (central directory, stored or
// deflated entries, CRC checked), the workbook's sheet list and their
// relationships, the shared strings, the number formats of styles.xml, and
// each sheet's cells with their type: 'n' for a number, 's' for a string
// (shared, inline or a formula's string), 'b' for a boolean. It throws on
// anything malformed, so that "it opens" is an assertion.

import { crc32, inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

// The entries of a ZIP archive: name → Buffer, read through the central
// directory (the sizes in local headers may be deferred to a data descriptor).
export function readZip(data) {
  const buf = Buffer.from(data);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a ZIP archive: no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = new Map();
  for (let k = 0; k < count; k++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new Error(`bad central directory entry ${k}`);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const csize = buf.readUInt32LE(p + 20);
    const usize = buf.readUInt32LE(p + 24);
    const nlen = buf.readUInt16LE(p + 28);
    const elen = buf.readUInt16LE(p + 30);
    const clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nlen);
    p += 46 + nlen + elen + clen;
    if (buf.readUInt32LE(local) !== LOCAL) throw new Error(`${name}: bad local header`);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + csize);
    if (raw.length !== csize) throw new Error(`${name}: truncated`);
    let body;
    if (method === 0) body = Buffer.from(raw);
    else if (method === 8) body = inflateRawSync(raw);
    else throw new Error(`${name}: compression method ${method}`);
    if (body.length !== usize) throw new Error(`${name}: size ${body.length}, expected ${usize}`);
    if (crc32(body) !== crc) throw new Error(`${name}: bad CRC`);
    entries.set(name, body);
  }
  return entries;
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXml(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (!(e in ENTITIES)) throw new Error(`unknown entity ${m}`);
    return ENTITIES[e];
  });
}

// The attributes of a start tag's text, decoded; prefixes kept ("r:id").
function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]] = decodeXml(m[2]);
  return out;
}

// The text of every <t> inside an element (rich text has several runs).
function texts(xml) {
  let s = '';
  for (const m of xml.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>|<t(?:\s[^>]*)?\/>/g)) s += decodeXml(m[1] ?? '');
  return s;
}

// "B12" → { col: 1, row: 11 } (from 0).
export function parseRef(ref) {
  const m = /^([A-Z]+)([0-9]+)$/.exec(ref);
  if (!m) throw new Error(`bad cell reference ${ref}`);
  let col = 0;
  for (const c of m[1]) col = col * 26 + (c.charCodeAt(0) - 64);
  return { col: col - 1, row: Number(m[2]) - 1 };
}

const BUILTIN_FORMATS = { 0: 'General', 1: '0', 2: '0.00', 9: '0%', 10: '0.00%', 14: 'mm-dd-yy' };

function readStyles(xml) {
  if (!xml) return [];
  const custom = {};
  for (const m of xml.matchAll(/<numFmt\s[^>]*>/g)) {
    const a = attrs(m[0]);
    custom[a.numFmtId] = a.formatCode;
  }
  const xfs = /<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml);
  if (!xfs) return [];
  return [...xfs[1].matchAll(/<xf\s[^>]*>/g)].map((m) => {
    const id = attrs(m[0]).numFmtId ?? '0';
    return custom[id] ?? BUILTIN_FORMATS[id] ?? `builtin ${id}`;
  });
}

function readSheet(xml, shared, formats) {
  const cells = new Map();
  const rows = [];
  for (const m of xml.matchAll(/<c\s([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
    const a = attrs(m[1]);
    const inner = m[2] ?? '';
    const v = /<v>([^<]*)<\/v>/.exec(inner);
    let type;
    let value;
    if (a.t === 's') {
      type = 's';
      value = shared[Number(v[1])];
      if (value === undefined) throw new Error(`${a.r}: no shared string ${v[1]}`);
    } else if (a.t === 'inlineStr') {
      type = 's';
      value = texts(inner);
    } else if (a.t === 'str') {
      type = 's';
      value = v ? decodeXml(v[1]) : '';
    } else if (a.t === 'b') {
      type = 'b';
      value = v?.[1] === '1';
    } else if (a.t === 'e') {
      type = 'e';
      value = v ? decodeXml(v[1]) : '';
    } else if (!v) {
      continue; // a blank cell with a style only
    } else {
      type = 'n';
      value = Number(v[1]);
      if (!Number.isFinite(value)) throw new Error(`${a.r}: bad number ${v[1]}`);
    }
    const cell = { ref: a.r, type, value, format: formats[Number(a.s ?? 0)] ?? 'General' };
    cells.set(a.r, cell);
    const { row, col } = parseRef(a.r);
    (rows[row] ??= [])[col] = cell;
  }
  return { cells, rows };
}

// The workbook: { sheets: [{ name, path, cells: Map ref → cell, rows:
// [row][col] → cell }], sheet(name), entries }. A cell is { ref, type,
// value, format }.
export function readXlsx(data) {
  const entries = readZip(data);
  const text = (name) => {
    const b = entries.get(name);
    if (!b) throw new Error(`missing ${name}`);
    return b.toString('utf8');
  };
  const wb = text('xl/workbook.xml');
  const rels = {};
  for (const m of text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship\s[^>]*>/g)) {
    const a = attrs(m[0]);
    rels[a.Id] = a.Target.startsWith('/') ? a.Target.slice(1) : `xl/${a.Target}`;
  }
  const shared = entries.has('xl/sharedStrings.xml')
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]))
    : [];
  const formats = readStyles(entries.has('xl/styles.xml') ? text('xl/styles.xml') : '');
  const sheets = [...wb.matchAll(/<sheet\s[^>]*>/g)].map((m) => {
    const a = attrs(m[0]);
    const target = rels[a['r:id']];
    if (!target) throw new Error(`sheet ${a.name}: no relationship ${a['r:id']}`);
    return { name: a.name, path: target, ...readSheet(text(target), shared, formats) };
  });
  const byName = new Map(sheets.map((s) => [s.name, s]));
  return {
    sheets,
    entries,
    sheet(name) {
      const s = byName.get(name);
      if (!s) throw new Error(`no sheet ${name}`);
      return s;
    },
  };
}

// The rows of a sheet as plain values (undefined for an empty cell).
export function sheetValues(sheet) {
  return Array.from(sheet.rows, (r) => Array.from(r ?? [], (c) => c?.value));
}
