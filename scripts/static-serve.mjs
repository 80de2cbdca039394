#!/usr/bin/env node
// scripts/static-serve.mjs: serve a build output with the browser tests' static server (tests/e2e/harness.mjs).
//   node scripts/static-serve.mjs [--root dist] [--prefix /] [--port 8080]
import { startServer } from '../tests/e2e/harness.mjs';

const opts = { root: 'dist', prefix: '/', port: 8080 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const [k, v] = [argv[i], argv[i + 1]];
  if (k === '--root') opts.root = v;
  else if (k === '--prefix') opts.prefix = v;
  else if (k === '--port') opts.port = Number(v);
  else {
    console.error(`unknown argument ${k}`);
    process.exit(2);
  }
  i++;
}
const server = await startServer(opts);
console.log(`serving ${opts.root}/ at ${server.url}  (sample data: ${server.url}?sample)`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await server.close();
    process.exit(0);
  });
}
