// The first program in an engine's sandbox, which has no network but its own
// loopback: it starts the engine and joins each connection on the sandbox's
// Unix socket (the only way in, a file in a folder the gateway binds here) to
// the engine's port. It passes stop signals on and exits as the engine does.
//
//   node forward.cjs <socket> <port> <command> [args…]
'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');
const { constants } = require('node:os');

const [socketPath, port, command, ...args] = process.argv.slice(2);

const engine = spawn(command, args, { stdio: 'inherit' });
engine.on('error', error => {
  console.error(`could not start ${command}: ${error.message}`);
  process.exit(127);
});
engine.on('exit', (code, signal) =>
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0)),
);
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'])
  process.on(signal, () => engine.kill(signal));

net
  .createServer({ allowHalfOpen: true }, client => {
    const upstream = net.connect({
      port: Number(port),
      host: '127.0.0.1',
      allowHalfOpen: true,
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.pipe(upstream).pipe(client);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  })
  .listen(socketPath);
