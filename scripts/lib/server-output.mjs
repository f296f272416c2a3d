// What a local server (initdb, postgres, redis-server) said last, for the message shown when it
// fails: its own words are the only ones that tell the user what went wrong.

const KEPT_CHARS = 8000;
const SHOWN_LINES = 12;

/**
 * Keeps the last few kilobytes `child` writes to its piped stdout and stderr (both: Redis logs
 * its refusals to stdout, PostgreSQL to stderr). `ended` resolves once both streams are closed,
 * so a server that exited has had its last words read.
 */
export function keepOutput(child) {
  let kept = '';
  const streams = [child.stdout, child.stderr].filter(Boolean);
  for (const stream of streams)
    stream.on('data', (chunk) => {
      kept = (kept + chunk).slice(-KEPT_CHARS);
    });
  const ended = Promise.all(streams.map((stream) => new Promise((resolve) => stream.once('close', resolve))));
  return { text: () => kept, ended };
}

/**
 * An error whose message is `headline`, the last lines of `output` (indented), and `advice`:
 * one sentence on what to do.
 */
export function serverFailure(headline, output, advice) {
  const lines = String(output ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .slice(-SHOWN_LINES);
  const said = lines.length > 0 ? lines.map((line) => `  ${line}`).join('\n') : '  (it printed nothing)';
  return new Error(`${headline}:\n${said}\n${advice}`);
}
