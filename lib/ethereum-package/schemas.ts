// What each known ethereum-package version accepts, derived from its own sources by
// scripts/derive-ethereum-package-schemas.mjs (never edited by hand), and which one applies to a
// package reference: a release tag devnet-kit knows is checked strictly against that release; anything
// else (no ref, a branch, a commit, a fork, a newer tag) against the newest schema, leniently.

import v600 from './schemas/6.0.0.json' with { type: 'json' };
import v610 from './schemas/6.1.0.json' with { type: 'json' };
import main from './schemas/main.json' with { type: 'json' };

export interface ArgsSchema {
  /** A release tag (`6.1.0`), or `main` for the newest main-branch sources devnet-kit has read. */
  version: string;
  /** The folder of ../shared/reference/ethereum-package-src it was derived from (a tag or a commit). */
  source: string;
  participant_keys: string[];
  /** el/cl/vc/remote_signer: the keys an entry of that list may set; `count` present when allowed. */
  participants_matrix: Record<string, string[]>;
  /** Sections whose groups are checked one level deeper (port_publisher; trueblocks_params on main). */
  nested: Record<string, { groups: Record<string, string[]>; special: string[] }>;
  /** Top-level mappings whose keys the sanity check lists (network_params, *_params, …). */
  sections: Record<string, string[]>;
  additional_services: string[];
  top_level_keys: string[];
  el_types: string[];
  /** main: el_type `none` (and these spellings, or null) runs a CL-only node. null before that. */
  el_none: { type: string; aliases: string[] } | null;
  cl_types: string[];
  vc_types: string[];
  remote_signer_types: string[];
  mev_types: string[];
  presets: string[];
  log_levels: string[];
  no_archive_el_types: string[];
  blobber_cl_types: string[];
  /** The first participant is the bootnode: this EL type there needs bootnodoor (6.1.0 dummy, main none). */
  first_el_type_needing_bootnodoor: string | null;
  cl_types_needing_separate_vc: string[];
  /** main: a participants_matrix.remote_signer entry turns use_remote_signer on. */
  matrix_remote_signer_implies_use: boolean;
  /** With port_publisher on for CLs: the index in the participant's public port range of its QUIC port. */
  cl_quic_public_port_index: Record<string, number>;
  defaults: {
    participant: Record<string, unknown>;
    network_params: Record<string, unknown>;
    network_params_minimal: Record<string, unknown>;
  };
}

export type SchemaMode = 'strict' | 'lenient';

/** Oldest first; `main` is the newest. */
export const SCHEMAS: readonly ArgsSchema[] = [v600, v610, main] as unknown as ArgsSchema[];

const RELEASES = SCHEMAS.filter((s) => /^\d+\.\d+\.\d+$/.test(s.version));

export function schemaByVersion(version: string): ArgsSchema {
  const schema = SCHEMAS.find((s) => s.version === version);
  if (!schema) throw new Error(`no ethereum-package schema for ${version}`);
  return schema;
}

export interface SchemaChoice {
  schema: ArgsSchema;
  mode: SchemaMode;
  /** Why this schema and mode, for `up --dry-run` and doctor. */
  reason: string;
}

/**
 * The schema and mode for a package reference: `github.com/ethpandaops/ethereum-package@6.1.0` is
 * 6.1.0, strict. A ref without a tag, with a branch, commit or unknown tag, a fork or a local
 * directory gets the newest schema, lenient: what it does not know is a warning, not an error.
 */
export function schemaFor(packageRef: string): SchemaChoice {
  const match = /^(?:https?:\/\/)?(?:github\.com\/)?ethpandaops\/ethereum-package(?:\.git)?(?:@(.+))?$/i.exec(
    packageRef.trim(),
  );
  const ref = match?.[1];
  const release = ref !== undefined ? RELEASES.find((s) => s.version === ref) : undefined;
  if (release) return { schema: release, mode: 'strict', reason: `release ${ref} is known` };
  const newest = SCHEMAS[SCHEMAS.length - 1]!;
  const reason = !match
    ? 'not the ethpandaops repository'
    : ref === undefined
      ? 'no ref (follows main)'
      : `ref ${ref} is not a release devnet-kit knows`;
  return { schema: newest, mode: 'lenient', reason };
}
