// execa, for the children lib/exec/exec.ts streams (follows, runs with live lines). A module of its own
// so that exec.ts loads it on first use: a read command never needs it (issue #16).
export { execa } from 'execa';
