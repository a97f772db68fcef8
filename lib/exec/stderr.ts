// What to show of a failed tool's stderr: Kurtosis's `Error:`/`Caused by:` chain (root cause = last
// `Caused by:`), kubectl's `error:`/`Error from server` lines, else the last lines.

import { stripVTControlCharacters } from 'node:util';

const LOGRUS = /^(INFO|WARN|ERRO|DEBU)\[[^\]]+\] ?(.*?) *$/;
const KURTOSIS_WRAPPERS = [
  /^An error occurred running command '[^']*'$/,
  /^An error occurred calling the run function for command '[^']*'$/,
  /^An error occurred running the pre-validation-and-run function$/,
  /^An error occurred validating arg '[^']*'$/,
];

export interface StderrSummary {
  /** The lines worth showing, without logrus INFO noise, at most `max` of them. */
  tail: string[];
  /** Kurtosis: the last `Caused by:` (or the `Error:` line); kubectl: its last error line. */
  rootCause: string | undefined;
}

export function summarizeStderr(stderrText: string, max = 8): StderrSummary {
  const lines = stripVTControlCharacters(stderrText)
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.length > 0);

  const errorAt = lines.findIndex((l) => l.startsWith('Error:'));
  if (errorAt >= 0) {
    const chain = lines.slice(errorAt).filter((l) => !/^\s*--- at /.test(l));
    const causes = chain
      .map((l) => l.replace(/^Error:\s+/, '').replace(/^\s*Caused by:\s*/, ''))
      .filter((l) => !KURTOSIS_WRAPPERS.some((re) => re.test(l.trim())));
    const lastCause = [...chain].reverse().find((l) => /^\s*Caused by:/.test(l));
    // A grouped rm error puts the real message on an indented line after the last Caused by.
    const afterLast = lastCause ? chain.slice(chain.lastIndexOf(lastCause) + 1).map((l) => l.trim()) : [];
    const detail = afterLast.filter((l) => !/^>{5,}.*<{5,}$/.test(l));
    const rootCause =
      detail.length > 0
        ? detail[detail.length - 1]
        : lastCause
          ? lastCause.replace(/^\s*Caused by:\s*/, '')
          : chain[0]!.replace(/^Error:\s+/, '');
    const errorLogs = lines
      .slice(0, errorAt)
      .filter((l) => /^(ERRO|WARN)\[/.test(l))
      .map(logrusMessage);
    return { tail: [...errorLogs, ...causes].slice(-max), rootCause };
  }

  const kubectlErrors = lines.filter((l) =>
    /^(error:|Error from server|Unable to connect to the server|The connection to the server|The request is invalid)/.test(
      l,
    ),
  );
  if (kubectlErrors.length > 0) {
    return { tail: kubectlErrors.slice(-max), rootCause: kubectlErrors[kubectlErrors.length - 1] };
  }

  const meaningful = lines.filter((l) => !/^INFO\[/.test(l)).map(logrusMessage);
  const tail = (meaningful.length > 0 ? meaningful : lines.map(logrusMessage)).slice(-max);
  return { tail, rootCause: tail[tail.length - 1] };
}

function logrusMessage(line: string): string {
  const m = LOGRUS.exec(line);
  return m ? `${m[1]} ${m[2]}` : line;
}
