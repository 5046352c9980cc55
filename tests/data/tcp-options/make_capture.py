# SYN-ACKs carrying the AccECN option in each form Wireshark 4.0 names: kinds 172 and 174 with
# three, two, one or no counters, and the experimental kinds 253/254 with ExID 0xACC0 or 0xACC1
# (RFC 9768's draft form). Writes accecn-options.pcap beside this script.
import os, struct
def csum(b):
    if len(b)%2: b+=b'\0'
    s=sum(struct.unpack('!%dH'%(len(b)//2),b)); s=(s>>16)+(s&0xffff); s+=s>>16; return (~s)&0xffff
def pkt(opts, sport):
    while len(opts)%4: opts+=b'\x01'
    tcp=struct.pack('!HHIIBBHHH',sport,80,1000,0,((20+len(opts))//4)<<4,0x12,65535,0,0)+opts
    ip=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(tcp),0,0,64,6,0,bytes([10,0,0,1]),bytes([10,0,0,2]))
    ip=ip[:10]+struct.pack('!H',csum(ip))+ip[12:]
    ph=bytes([10,0,0,1])+bytes([10,0,0,2])+struct.pack('!BBH',0,6,len(tcp))
    tcp=tcp[:16]+struct.pack('!H',csum(ph+tcp))+tcp[18:]
    return b'\x02'*6+b'\x04'*6+b'\x08\x00'+ip+tcp
f=lambda a,b,c: a.to_bytes(3,'big')+b.to_bytes(3,'big')+c.to_bytes(3,'big')
cases=[bytes([172,11])+f(1,2,3), bytes([174,11])+f(1,2,3), bytes([172,2]), bytes([172,5])+(7).to_bytes(3,'big'), bytes([172,8])+f(1,2,3)[:6],
       bytes([254,13,0xac,0xc1])+f(1,2,3), bytes([254,7,0xac,0xc0])+(9).to_bytes(3,'big'), bytes([253,13,0xac,0xc0])+f(4,5,6), bytes([174,5])+(7).to_bytes(3,'big')]
out=struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1)
for i,c in enumerate(cases):
    p=pkt(c,1000+i); out+=struct.pack('<IIII',i,0,len(p),len(p))+p
open(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'accecn-options.pcap'), 'wb').write(out)
