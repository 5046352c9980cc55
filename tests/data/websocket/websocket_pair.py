# A WebSocket session (RFC 6455) over real sockets: an HTTP/1.1 Upgrade answered 101 with a
# first frame in the same segment, then text, binary (16- and 64-bit lengths, so frames span
# segments), a fragmented message, two frames in one segment, a frame and the start of the
# next in one, ping, pong and close.
# Usage: websocket_pair.py serve|connect HOST PORT (the server in one netns, the client in the other).
import socket, struct, sys, time, os
ROLE, HOST, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])
def frame(op, payload, fin=True, mask=None):
    b0 = (0x80 if fin else 0) | op
    n = len(payload)
    h = bytes([b0])
    m = 0x80 if mask else 0
    if n < 126: h += bytes([m | n])
    elif n < 65536: h += bytes([m | 126]) + struct.pack('>H', n)
    else: h += bytes([m | 127]) + struct.pack('>Q', n)
    if mask:
        h += mask
        payload = bytes(c ^ mask[i % 4] for i, c in enumerate(payload))
    return h + payload
def server():
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT)); s.listen(1)
    c, _ = s.accept()
    req = b''
    while b'\r\n\r\n' not in req: req += c.recv(4096)
    c.sendall(b'HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' + frame(1, b'early'))
    time.sleep(0.1)
    c.sendall(frame(1, b'hello from server')); time.sleep(0.1)
    c.sendall(frame(2, os.urandom(300))); time.sleep(0.1)
    c.sendall(frame(1, b'part one ', fin=False)); time.sleep(0.1)
    c.sendall(frame(0, b'part two')); time.sleep(0.1)
    c.sendall(frame(1, b'a') + frame(2, b'b')); time.sleep(0.1); c.sendall(frame(2, b'c') + frame(1, b'd' * 3000)); time.sleep(0.1)
    c.sendall(frame(2, os.urandom(5000))); time.sleep(0.1)
    c.sendall(frame(2, os.urandom(70000))); time.sleep(0.3)
    c.sendall(frame(9, b'ping')); time.sleep(0.1)
    while True:
        d = c.recv(65536)
        if not d: break
    c.close()
def client():
    c = socket.create_connection((HOST, PORT))
    c.sendall(b'GET /chat HTTP/1.1\r\nHost: ws.tcplens.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
    time.sleep(0.2)
    mk = b'\x01\x02\x03\x04'
    c.sendall(frame(1, b'hello from client', mask=mk)); time.sleep(0.5)
    c.sendall(frame(10, b'ping', mask=mk)); time.sleep(0.1)
    c.sendall(frame(1, b'x' * 200, mask=mk)); time.sleep(1.5)
    c.sendall(frame(8, struct.pack('>H', 1000) + b'bye', mask=mk)); time.sleep(0.2)
    c.close()
if ROLE == 'serve':
    try:
        server()
    except ConnectionResetError:
        pass
else:
    client()
