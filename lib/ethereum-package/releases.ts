// The pinned package, apart from the schemas: every command reads the config, whose default package
// ref needs this one string, while only `up`, `doctor` and the plan need the schemas' 77 KB (issue #16:
// a read command loads only what it uses). test/schemas.test.ts checks it against the newest schema.

/** The newest release devnet-kit has a schema for (lib/ethereum-package/schemas/<version>.json). */
export const NEWEST_RELEASE = '6.1.0';

const PACKAGE_REPO = 'github.com/ethpandaops/ethereum-package';

/** Pinned so that an `up` without config runs the same package tomorrow. */
export const DEFAULT_PACKAGE_REF = `${PACKAGE_REPO}@${NEWEST_RELEASE}`;
