/**
 * Stops a child process: `signal`, then SIGKILL when it is still running after
 * `graceMs`. Resolves once it has exited, at once when it already had.
 * @param {import('node:child_process').ChildProcess} child
 * @param {{ signal?: NodeJS.Signals; graceMs: number }} options
 * @returns {Promise<void>}
 */
export function stopProcess(child, { signal = 'SIGTERM', graceMs }) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
