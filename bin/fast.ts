// The CLI's fast path (issue #16): a plain command line — a command, its positionals, options it
// declares in their usual spellings — is parsed here without loading yargs (a third of the CLI's
// start-up). Anything else — help, completion, an unknown or repeated option, a short-flag cluster,
// `--`, a missing or extra positional, a value yargs would treat differently — returns undefined and
// goes through yargs, which then prints exactly what it always printed.
//
// The command's options are read by running its builder against a recorder that understands
// `.option()` and `.positional()` with simple specs; a builder using anything else is yargs's.

import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { CommandFactory, GlobalArgs } from './main.js';

interface Spec {
  type?: 'string' | 'boolean';
  alias?: string | readonly string[];
  default?: unknown;
  describe?: string;
  choices?: readonly unknown[];
  demandOption?: boolean;
  array?: boolean;
}

/** The global options, shared with yargs's set-up in main.ts (one definition for both parsers). */
export const GLOBAL_OPTIONS = {
  config: {
    type: 'string',
    describe: 'config file (else $DEVNET_KIT_CONFIG, else ./devnet-kit.yaml)',
  },
  owner: {
    type: 'string',
    describe: 'owner of the devnets (else $DEVNET_KIT_OWNER, config, $GITHUB_ACTOR, OS user)',
  },
  json: { type: 'boolean', default: false, describe: 'one JSON document on stdout' },
  color: { type: 'boolean', default: true, describe: 'colour on a terminal (--no-color to disable)' },
  verbose: { type: 'boolean', default: false, describe: 'show every kurtosis/kubectl command run' },
} as const satisfies Record<string, Spec>;

const SPEC_KEYS = new Set(['type', 'alias', 'default', 'describe', 'choices', 'demandOption', 'array']);

interface Declared {
  options: Map<string, Spec>;
  positionals: Map<string, Spec>;
}

/** Runs a command's builder against a recorder; undefined when it uses more than the recorder knows. */
function declared(builder: (y: Argv) => Argv<object>): Declared | undefined {
  const options = new Map<string, Spec>();
  const positionals = new Map<string, Spec>();
  let unsupported = false;
  const record = (into: Map<string, Spec>) => (name: unknown, spec: unknown) => {
    if (typeof name !== 'string' || typeof spec !== 'object' || spec === null) unsupported = true;
    else if (Object.keys(spec).some((k) => !SPEC_KEYS.has(k))) unsupported = true;
    else into.set(name, spec as Spec);
    return recorder;
  };
  const recorder: unknown = new Proxy(
    {},
    {
      get(_target, property) {
        if (property === 'option') return record(options);
        if (property === 'positional') return record(positionals);
        unsupported = true;
        return () => recorder;
      },
    },
  );
  try {
    builder(recorder as Argv);
  } catch {
    return undefined;
  }
  return unsupported ? undefined : { options, positionals };
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
/** What yargs-parser would turn into a number (then not a string a handler expects). */
const NUMERIC = /^0x[0-9a-f]+$|^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

function aliasesOf(spec: Spec): string[] {
  return spec.alias === undefined ? [] : typeof spec.alias === 'string' ? [spec.alias] : [...spec.alias];
}

/** A spec the fast path reproduces exactly: a string, or a boolean with a default, or string choices. */
function simpleOption(spec: Spec): boolean {
  if (spec.array || spec.demandOption) return false;
  if (spec.type === 'boolean')
    return spec.default !== undefined && aliasesOf(spec).every((a) => a.length === 1);
  if (spec.choices) return spec.type === undefined && spec.choices.every((c) => typeof c === 'string');
  return spec.type === 'string' && aliasesOf(spec).every((a) => a.length === 1);
}

export interface FastCall {
  factory: CommandFactory;
  argv: ArgumentsCamelCase;
  globals: GlobalArgs;
}

/**
 * The command and the argv yargs would hand its handler, when the command line is plain; otherwise
 * undefined (yargs parses it).
 */
export async function parseFast(
  args: readonly string[],
  commands: readonly { name: string; load: () => Promise<CommandFactory> }[],
  context: Parameters<CommandFactory>[0],
): Promise<FastCall | undefined> {
  const name = args.find(
    (a, i) => !a.startsWith('-') && args[i - 1] !== '--config' && args[i - 1] !== '--owner',
  );
  const entry = commands.find((c) => c.name === name);
  if (!entry || args.includes('--')) return undefined;
  const factory = await entry.load();
  const def = factory(context);
  if (typeof def.command !== 'string') return undefined;
  const [word, ...slots] = def.command.split(' ');
  if (word === undefined || word !== name) return undefined;
  const decl = declared(def.builder);
  if (!decl) return undefined;

  const specs = new Map<string, Spec>(Object.entries(GLOBAL_OPTIONS));
  for (const [key, spec] of decl.options) {
    if (specs.has(key)) return undefined;
    specs.set(key, spec);
  }
  const byFlag = new Map<string, string>();
  for (const [key, spec] of specs) {
    if (!simpleOption(spec)) return undefined;
    byFlag.set(`--${key}`, key);
    for (const a of aliasesOf(spec)) byFlag.set(`-${a}`, key);
  }

  const given = new Map<string, unknown>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    if (!token.startsWith('-')) {
      if (NUMERIC.test(token)) return undefined;
      positional.push(token);
      continue;
    }
    const eq = token.startsWith('--') ? token.indexOf('=') : -1;
    const flag = eq > 0 ? token.slice(0, eq) : token;
    let key = byFlag.get(flag);
    let value: unknown;
    if (key === undefined && flag.startsWith('--no-')) {
      key = byFlag.get(`--${flag.slice(5)}`);
      if (key === undefined || specs.get(key)!.type !== 'boolean' || eq > 0) return undefined;
      value = false;
    } else if (key === undefined) {
      return undefined;
    } else if (specs.get(key)!.type === 'boolean') {
      if (eq > 0) return undefined;
      value = true;
    } else {
      value = eq > 0 ? token.slice(eq + 1) : args[++i];
      if (typeof value !== 'string' || (eq < 0 && value.startsWith('-'))) return undefined;
      const { choices } = specs.get(key)!;
      if (choices && (!choices.includes(value) || NUMERIC.test(value))) return undefined;
    }
    if (given.has(key)) return undefined;
    given.set(key, value);
  }

  // Positionals: the command word, then `<required>`, `[optional]`, `[variadic..]` in order.
  const values = positional.slice(1);
  const argv: ArgumentsCamelCase = { _: [word], $0: 'devnet-kit' };
  for (const slot of slots) {
    const m = /^([<[])([\w-]+)(\.\.)?[>\]]$/.exec(slot);
    if (!m) return undefined;
    const [, bracket, key, dots] = m as unknown as [string, string, string, string | undefined];
    const spec = decl.positionals.get(key) ?? {};
    if (spec.type !== 'string' || spec.choices || spec.default !== undefined || aliasesOf(spec).length)
      return undefined;
    if (dots) {
      if (!spec.array) return undefined;
      argv[key] = values.splice(0);
    } else if (values.length > 0) {
      argv[key] = values.shift();
    } else if (bracket === '<') {
      return undefined;
    }
    if (key in argv && key !== camel(key)) argv[camel(key)] = argv[key];
  }
  if (values.length > 0) return undefined;

  for (const [key, spec] of specs) {
    const value = given.has(key) ? given.get(key) : spec.default;
    if (value === undefined) continue;
    for (const k of new Set([key, camel(key), ...aliasesOf(spec)])) argv[k] = value;
  }
  return {
    factory,
    argv,
    globals: {
      config: typeof argv.config === 'string' ? argv.config : undefined,
      owner: typeof argv.owner === 'string' ? argv.owner : undefined,
      json: Boolean(argv.json),
      color: argv.color !== false,
      verbose: Boolean(argv.verbose),
    },
  };
}
