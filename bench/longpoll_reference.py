#!/usr/bin/env python3
"""The reference of bench_longpoll: a minimal asyncio long-poll server.

GET /api/v1/changes?since=V&wait=S answers at once when the version is past V
(or S is 0), else parks until POST /trigger moves the version (or S elapses);
every answer is a small JSON page. HTTP/1.1 keep-alive, Content-Length only:
just what bench_longpoll's client speaks. Prints "listening on PORT".
"""
import asyncio
import sys
from urllib.parse import parse_qs, urlsplit

version = 1
changed = None  # a future resolved at the next change


def page(checkpoint):
    body = ('{"checkpoint":%d,"deleted":[],"more":false,"resets":[],"rows":[]}' % checkpoint).encode()
    return (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(body)).encode() + b"\r\n\r\n" + body)


async def serve(reader, writer):
    global version, changed
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            if length:
                await reader.readexactly(length)
            url = urlsplit(target)
            if method == "POST" and url.path == "/trigger":
                version += 1
                done, changed = changed, asyncio.get_running_loop().create_future()
                done.set_result(version)
                writer.write(page(version))
            else:
                query = parse_qs(url.query)
                since = int(query.get("since", ["0"])[0])
                wait = int(query.get("wait", ["0"])[0])
                if wait > 0 and since >= version:
                    try:
                        await asyncio.wait_for(asyncio.shield(changed), wait)
                    except asyncio.TimeoutError:
                        pass
                writer.write(page(version))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    global changed
    changed = asyncio.get_running_loop().create_future()
    server = await asyncio.start_server(serve, "127.0.0.1", 0, backlog=4096)
    print("listening on %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
