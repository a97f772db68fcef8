// Types for the derivation script, so the drift test can import it.
export const DEFAULT_SOURCES: string;
export const DEFAULT_OUT: string;
export function deriveSchema(dir: string, version: string): Record<string, unknown>;
export function versionOf(folder: string): string;
export function deriveAll(sourcesDir?: string): Record<string, string>;
