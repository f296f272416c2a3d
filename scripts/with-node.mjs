// `node scripts/with-node.mjs 24 -- npm test`: runs a command with another Node.js major first on PATH.
// The binary comes from the npm registry's node-<platform>-<arch> package, installed once into a
// cache outside the workspace (WRENN_NODE_CACHE, default ~/.cache/wrenn-node), so nothing but npm
// is needed. Exits with the command's exit code.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const [major, separator, cmd, ...args] = process.argv.slice(2);
if (!/^\d+$/.test(major ?? '') || separator !== '--' || !cmd) {
  console.error('usage: node scripts/with-node.mjs <major> -- <command> [args…]');
  process.exit(2);
}

const platform = process.platform === 'win32' ? 'win' : process.platform;
const pkg = `node-${platform}-${process.arch}`;
const cacheRoot =
  process.env.WRENN_NODE_CACHE || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'wrenn-node');
const prefix = join(cacheRoot, `v${major}`);
const binDir = join(prefix, 'node_modules', pkg, 'bin');
const nodeBin = join(binDir, platform === 'win' ? 'node.exe' : 'node');

function installedVersion() {
  if (!existsSync(nodeBin)) return null;
  try {
    return execFileSync(nodeBin, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

let version = installedVersion();
if (!version?.startsWith(`v${major}.`)) {
  console.log(`[wrenn] installing Node.js ${major} (${pkg}@${major}) into ${prefix}…`);
  mkdirSync(prefix, { recursive: true });
  execFileSync(
    'npm',
    ['install', '--no-save', '--no-audit', '--no-fund', '--no-package-lock', '--prefix', prefix, `${pkg}@${major}`],
    { stdio: 'inherit' },
  );
  version = installedVersion();
  if (!version?.startsWith(`v${major}.`)) {
    console.error(`[wrenn] ${pkg}@${major} did not provide a working Node.js ${major} at ${nodeBin}`);
    process.exit(1);
  }
}

console.log(`[wrenn] running "${[cmd, ...args].join(' ')}" on Node.js ${version}`);
// npm, pnpm and every script they start run through `env node`, so PATH decides the version.
const child = spawn(cmd, args, {
  stdio: 'inherit',
  env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
