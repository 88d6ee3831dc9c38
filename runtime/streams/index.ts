// Streams: asyncio's high-level TCP API over the loop's selector.
export { StreamReader, DEFAULT_LIMIT, type StreamReaderOptions } from './stream-reader';
export { StreamWriter } from './stream-writer';
export { StreamReaderProtocol, type ClientConnected } from './stream-protocol';
export { SocketTransport, DEFAULT_HIGH_WATER, type TransportExtra } from './socket-transport';
export { type Protocol } from './protocol';
export { openConnection, openUnixConnection, type OpenConnectionOptions } from './open-connection';
export { startServer, startUnixServer, Server, type StartServerOptions, type StartUnixServerOptions } from './server';
