#!/usr/bin/env node
// Derives what one ethereum-package version accepts from its own Starlark sources and writes it as
// lib/ethereum-package/schemas/<version>.json. Nothing here is a hand-kept key list: every list comes
// from a literal in the version's src/package_io/{sanity_check,input_parser,constants}.star, so a new
// version is added by putting its sources next to the others and running this script.
//
//   node scripts/derive-ethereum-package-schemas.mjs [sources-dir] [out-dir]
//
// sources-dir holds one folder per version (default ../shared/reference/ethereum-package-src); a
// folder whose name is not a release tag (a commit) is written as `main.json`. test/schemas.test.ts
// runs deriveAll() and compares it with the committed files, so they cannot drift.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_SOURCES = resolve(ROOT, '..', 'shared', 'reference', 'ethereum-package-src');
export const DEFAULT_OUT = join(ROOT, 'lib', 'ethereum-package', 'schemas');

// ---------------------------------------------------------------------------------------------------
// A reader for the literal subset of Starlark these files use: dicts, lists, tuples, strings, ints,
// True/False/None, struct(k=v), names of earlier constants and `constants.NAME[.field]`.

const UNRESOLVED = Symbol('unresolved');

/** `inside`: the text starts within an expression, so newlines never end a statement. */
function tokenize(src, inside = false) {
  const tokens = [];
  let i = 0;
  let depth = 0;
  let lineStart = true;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      if (depth === 0 && !inside) tokens.push({ t: 'nl' });
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const col0 = lineStart && depth === 0 && (i === 0 || src[i - 1] === '\n');
    lineStart = false;
    if (c === '"' || c === "'") {
      const triple = src.startsWith(c.repeat(3), i);
      const end = triple ? c.repeat(3) : c;
      let j = i + end.length;
      let value = '';
      while (j < src.length && !src.startsWith(end, j)) {
        if (src[j] === '\\') {
          const n = src[j + 1];
          value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
          j += 2;
        } else value += src[j++];
      }
      tokens.push({ t: 'str', v: value, col0 });
      i = j + end.length;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+(\.\d+)?)/.exec(src.slice(i, i + 40));
    if (num) {
      tokens.push({ t: 'num', v: num[0].includes('.') ? Number(num[0]) : BigInt(num[0]), col0 });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200));
    if (id) {
      tokens.push({ t: 'id', v: id[0], col0 });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|\+=|-=|\*\*|\/\/|[-+*/%<>=()[\]{}:,.])/.exec(src.slice(i, i + 2));
    if (!op) throw new Error(`unexpected character ${JSON.stringify(c)} at offset ${i}`);
    if ('([{'.includes(op[0])) depth++;
    if (')]}'.includes(op[0])) depth--;
    tokens.push({ t: 'op', v: op[0], col0 });
    i += op[0].length;
  }
  return tokens;
}

/** Parses one expression at tokens[pos]; returns [value, next position]. */
function parseExpr(tokens, pos, scope) {
  let [value, next] = parsePrimary(tokens, pos, scope);
  // `a + b` between resolved strings/ints; anything else we cannot evaluate.
  while (tokens[next]?.t === 'op' && ['+', '-', '*', '/'].includes(tokens[next].v)) {
    const operator = tokens[next].v;
    const [right, after] = parsePrimary(tokens, next + 1, scope);
    value =
      operator === '+' && typeof value === typeof right && value !== UNRESOLVED && right !== UNRESOLVED
        ? value + right
        : UNRESOLVED;
    next = after;
  }
  return [value, next];
}

function parseSequence(tokens, pos, close, item) {
  let next = pos;
  while (!(tokens[next].t === 'op' && tokens[next].v === close)) {
    next = item(next);
    if (tokens[next].t === 'op' && tokens[next].v === ',') next++;
  }
  return next + 1;
}

function parsePrimary(tokens, pos, scope) {
  const tok = tokens[pos];
  if (!tok) throw new Error('unexpected end of file');
  if (tok.t === 'str') {
    // Adjacent string literals concatenate.
    let value = tok.v;
    let next = pos + 1;
    while (tokens[next]?.t === 'str') value += tokens[next++].v;
    return [value, next];
  }
  if (tok.t === 'num') return [typeof tok.v === 'bigint' ? narrow(tok.v) : tok.v, pos + 1];
  if (tok.t === 'op' && tok.v === '-' && tokens[pos + 1]?.t === 'num') {
    const [v, next] = parsePrimary(tokens, pos + 1, scope);
    return [typeof v === 'number' ? -v : UNRESOLVED, next];
  }
  if (tok.t === 'op' && tok.v === '{') {
    const out = {};
    const next = parseSequence(tokens, pos + 1, '}', (p) => {
      const [key, afterKey] = parseExpr(tokens, p, scope);
      if (tokens[afterKey].v !== ':') throw new Error('expected : in a dict literal');
      const [value, afterValue] = parseExpr(tokens, afterKey + 1, scope);
      out[String(key)] = value;
      return afterValue;
    });
    return [out, next];
  }
  if (tok.t === 'op' && (tok.v === '[' || tok.v === '(')) {
    const out = [];
    const next = parseSequence(tokens, pos + 1, tok.v === '[' ? ']' : ')', (p) => {
      const [value, after] = parseExpr(tokens, p, scope);
      out.push(value);
      return after;
    });
    // A parenthesised single expression is that expression.
    return [tok.v === '(' && out.length === 1 && tokens[next - 2].v !== ',' ? out[0] : out, next];
  }
  if (tok.t === 'id') {
    if (tok.v === 'True' || tok.v === 'False') return [tok.v === 'True', pos + 1];
    if (tok.v === 'None') return [null, pos + 1];
    if (tok.v === 'struct' && tokens[pos + 1]?.v === '(') {
      const out = {};
      const next = parseSequence(tokens, pos + 2, ')', (p) => {
        const [value, after] = parseExpr(tokens, p + 2, scope);
        out[tokens[p].v] = value;
        return after;
      });
      return [out, next];
    }
    // A dotted name, optionally called or indexed: resolved only when it is a plain reference.
    let value = tok.v in scope ? scope[tok.v] : UNRESOLVED;
    let next = pos + 1;
    while (tokens[next]?.t === 'op' && ['.', '(', '['].includes(tokens[next].v)) {
      if (tokens[next].v === '.') {
        const field = tokens[next + 1].v;
        value =
          value !== UNRESOLVED && value && typeof value === 'object' && field in value
            ? value[field]
            : UNRESOLVED;
        next += 2;
      } else if (tokens[next].v === '[' && tokens[next + 2]?.v === ']') {
        const [key] = parsePrimary(tokens, next + 1, scope);
        value =
          value !== UNRESOLVED && value && typeof value === 'object' && key in value
            ? value[key]
            : UNRESOLVED;
        next += 3;
      } else {
        const close = tokens[next].v === '(' ? ')' : ']';
        next = parseSequence(tokens, next + 1, close, (p) => parseExpr(tokens, p, scope)[1]);
        value = UNRESOLVED;
      }
    }
    return [value, next];
  }
  throw new Error(`unexpected token ${JSON.stringify(tok.v)}`);
}

function narrow(big) {
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big.toString();
}

/** Top-level `NAME = literal` assignments of a file, in order; later ones may use earlier ones. */
function readAssignments(src, imports = {}) {
  const tokens = tokenize(src);
  const scope = { ...imports };
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i];
    // `constants = import_module(...)`: keep the module given in `imports`.
    if (tok.t === 'id' && tok.col0 && tokens[i + 1]?.v === '=' && !(tok.v in imports)) {
      try {
        const [value, next] = parseExpr(tokens, i + 2, scope);
        scope[tok.v] = value;
        i = next - 1;
      } catch {
        scope[tok.v] = UNRESOLVED;
      }
    }
  }
  return { scope, tokens };
}

/** The dict literal a zero-argument `def name():` returns. */
function readReturnedLiteral(tokens, name, scope) {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].t === 'id' && tokens[i].v === 'def' && tokens[i + 1]?.v === name) {
      for (let j = i + 2; j < tokens.length; j++) {
        if (tokens[j].t === 'id' && tokens[j].v === 'return') return parseExpr(tokens, j + 1, scope)[0];
      }
    }
  }
  return undefined;
}

/** The literal that follows the first match of `pattern` (a regex over the source text). */
function literalAfter(src, pattern, scope) {
  const match = pattern.exec(src);
  if (!match) return undefined;
  const tokens = tokenize(src.slice(match.index + match[0].length), true);
  return parseExpr(tokens, 0, scope)[0];
}

function clean(value) {
  if (value === UNRESOLVED) return '<computed>';
  if (Array.isArray(value)) return value.map(clean);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clean(v)]));
  }
  return value;
}

const keysOf = (o) => Object.keys(o ?? {});
const valuesOf = (o) => Object.values(o ?? {});
const union = (...lists) => [...new Set(lists.flat())];

// ---------------------------------------------------------------------------------------------------

/** The schema of one version folder (`<dir>/src/package_io/*.star`). */
export function deriveSchema(dir, version) {
  const io = join(dir, 'src', 'package_io');
  const read = (f) => readFileSync(join(io, f), 'utf8');
  const constants = readAssignments(read('constants.star')).scope;
  const sanitySrc = read('sanity_check.star');
  const sanity = readAssignments(sanitySrc).scope;
  const parserSrc = read('input_parser.star');
  const parser = readAssignments(parserSrc, { constants });
  const scope = parser.scope;

  // validate_nested_params(plan, input_args, "<category>", <definition>, [<special keys>]) calls.
  const nested = {};
  const nestedCall = /validate_nested_params\(\s*plan,\s*input_args,\s*"([a-z_]+)",/g;
  for (const match of sanitySrc.matchAll(nestedCall)) {
    const rest = tokenize(sanitySrc.slice(match.index + match[0].length), true);
    const [definition, afterDefinition] = parseExpr(rest, 0, sanity);
    const special = rest[afterDefinition]?.v === ',' ? parseExpr(rest, afterDefinition + 1, sanity)[0] : [];
    nested[match[1]] = { groups: definition, special: Array.isArray(special) ? special : [] };
  }

  const sections = sanity.SUBCATEGORY_PARAMS;
  const matrix = sanity.PARTICIPANT_MATRIX_PARAMS.participants_matrix;
  const topLevel = union(
    keysOf(sanity.PARTICIPANT_CATEGORIES),
    keysOf(sanity.PARTICIPANT_MATRIX_PARAMS),
    keysOf(sanity.PORT_PUBLISHER_PARAMS),
    keysOf(sections),
    keysOf(sanity.ADDITIONAL_CATEGORY_PARAMS),
    // combined_root_params.append(...) in sanity_check()
    [...sanitySrc.matchAll(/combined_root_params\.append\("([a-z_]+)"\)/g)].map((m) => m[1]),
  );

  // An el_type that means "no EL" (main): `if el_type == None or el_type in ("None", "null", "Null")`.
  const noneAliases = literalAfter(parserSrc, /el_type == None or el_type in /, scope);
  const elNone = constants.EL_TYPE?.none;
  const mevTypes = literalAfter(parserSrc, /if result\.get\("mev_type"\) in /, scope);
  const presets = literalAfter(parserSrc, /\["preset"\] not in /, scope);
  const noArchive = literalAfter(parserSrc, /unsupported_archive_clients = /, scope);
  // The first participant is the bootnode: an EL of this type there needs bootnodoor (6.1.0: dummy).
  const bootnodeEl = literalAfter(parserSrc, /result\["participants"\]\[0\]\["el_type"\] == /, scope);
  const network = readFileSync(join(dir, 'src', 'participant_network.star'), 'utf8');
  const separateVc = literalAfter(network, /_cls_that_need_separate_vc = /, { constants });
  // cl/<type>/<type>_launcher.star: which public port of the CL's range its QUIC port takes when
  // port_publisher publishes CL ports (`discovery_port_quic = public_ports_for_component[N]`).
  const clQuic = {};
  const clDir = join(dir, 'src', 'cl');
  for (const cl of readdirSync(clDir).sort()) {
    const launcher = join(clDir, cl, `${cl}_launcher.star`);
    if (!existsSync(launcher)) continue;
    const m = /discovery_port_quic = \(\s*public_ports_for_component\[(\d+)\]/.exec(
      readFileSync(launcher, 'utf8'),
    );
    if (m) clQuic[cl] = Number(m[1]);
  }
  const blobberCls = literalAfter(
    parserSrc,
    /if blobber_enabled:[\s\S]*?participant\["cl_type"\] not in /,
    scope,
  );

  return clean({
    version,
    participant_keys: sanity.PARTICIPANT_CATEGORIES.participants,
    participants_matrix: matrix,
    nested,
    sections,
    additional_services: sanity.ADDITIONAL_SERVICES_PARAMS,
    top_level_keys: topLevel,
    // An unknown client type fails where input_parser.star looks up its default image.
    el_types: keysOf(scope.DEFAULT_EL_IMAGES),
    el_none: elNone === undefined ? null : { type: elNone, aliases: noneAliases ?? [] },
    cl_types: union(keysOf(scope.DEFAULT_CL_IMAGES), keysOf(scope.DEFAULT_CL_IMAGES_MINIMAL)),
    cl_types_minimal: keysOf(scope.DEFAULT_CL_IMAGES_MINIMAL),
    cl_types_mainnet: keysOf(scope.DEFAULT_CL_IMAGES),
    vc_types: union(keysOf(scope.DEFAULT_VC_IMAGES), keysOf(scope.DEFAULT_VC_IMAGES_MINIMAL)),
    remote_signer_types: keysOf(scope.DEFAULT_REMOTE_SIGNER_IMAGES),
    mev_types: mevTypes ?? [],
    presets: presets ?? [],
    log_levels: valuesOf(constants.GLOBAL_LOG_LEVEL),
    no_archive_el_types: noArchive ?? [],
    blobber_cl_types: blobberCls ?? [],
    first_el_type_needing_bootnodoor: bootnodeEl ?? null,
    cl_types_needing_separate_vc: separateVc ?? [],
    // main: "Defining a remote_signer matrix entry implies using it".
    matrix_remote_signer_implies_use: /if remote_signer:\s*participant\["use_remote_signer"\] = True/.test(
      parserSrc,
    ),
    cl_quic_public_port_index: clQuic,
    defaults: {
      participant: readReturnedLiteral(parser.tokens, 'default_participant', scope),
      network_params: readReturnedLiteral(parser.tokens, 'default_network_params', scope),
      network_params_minimal: readReturnedLiteral(parser.tokens, 'default_minimal_network_params', scope),
    },
  });
}

/** A folder named like a release tag is that version; anything else (a commit) is `main`. */
export function versionOf(folder) {
  return /^\d+\.\d+\.\d+$/.test(folder) ? folder : 'main';
}

/** { '<version>.json': text } for every version folder under `sourcesDir`. */
export function deriveAll(sourcesDir = DEFAULT_SOURCES) {
  const out = {};
  for (const folder of readdirSync(sourcesDir, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    if (!existsSync(join(sourcesDir, folder.name, 'src', 'package_io', 'sanity_check.star'))) continue;
    const version = versionOf(folder.name);
    const schema = { ...deriveSchema(join(sourcesDir, folder.name), version), source: folder.name };
    out[`${version}.json`] = `${JSON.stringify(schema, null, 2)}\n`;
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sources = resolve(process.argv[2] ?? DEFAULT_SOURCES);
  const outDir = resolve(process.argv[3] ?? DEFAULT_OUT);
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of Object.entries(deriveAll(sources))) {
    writeFileSync(join(outDir, file), text);
    console.log(`wrote ${join(outDir, file)}`);
  }
}
