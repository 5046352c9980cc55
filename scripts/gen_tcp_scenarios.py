# Random TCP scenarios (loss, duplicates, reordering, retransmissions, keep-alives, zero
# windows, window full, SACK up to 4 blocks, window scale (15 too), TFO, AccECN, odd flag
# sets, sequence wrap, timestamps going backwards, IPv6, VLAN, IPv4 fragments, ICMP errors
# quoting TCP, 4-tuple reuse) for differential tests against tshark:
# python3 gen_tcp_scenarios.py SEED OUT.pcap. Used by tshark-difftest.sh.
import struct, random, sys
seed=int(sys.argv[1]); out=sys.argv[2]
R=random.Random(seed)
pk=[]
t=[1700000000.0]
V6=R.random()<0.3
VLAN=R.random()<0.2
FRAG=(not V6) and R.random()<0.2
ECN=R.random()<0.15
def ip4(src,dst,payload):
    if V6:
        a=b'\x20\x01'+b'\0'*10+bytes(src); b=b'\x20\x01'+b'\0'*10+bytes(dst)
        return struct.pack('!IHBB',0x60000000,len(payload),6,64)+a+b+payload
    return struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(payload),0,0x4000,64,6,0,bytes(src),bytes(dst))+payload
def tcp(sp,dp,seq,ack,flags,win,plen,opts=b''):
    while len(opts)%4: opts+=b'\x01'
    off=(20+len(opts))//4
    return struct.pack('!HHIIHHHH',sp,dp,seq&0xffffffff,ack&0xffffffff,(off<<12)|flags,win,0,0)+opts+b'x'*plen
def l2(et):
    return b'\0'*12+(b'\x81\x00\x00\x05' if VLAN else b'')+et
def emit(src,dst,sp,dp,seq,ack,flags,win,plen,opts=b''):
    t[0]+=R.choice([0.000001,0.00001,0.0001,0.001,0.002,0.01,0.05,0.3])
    if R.random()<0.01: t[0]-=0.5
    et=b'\x86\xdd' if V6 else b'\x08\x00'
    seg=tcp(sp,dp,seq,ack,flags,win,plen,opts)
    if FRAG and plen>=100 and R.random()<0.3:
        ident=R.getrandbits(16)
        cut=(len(seg)//2)//8*8
        for off,part,mf in ((0,seg[:cut],1),(cut,seg[cut:],0)):
            h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(part),ident,(mf<<13)|(off//8),64,6,0,bytes(src),bytes(dst))
            pk.append((t[0], l2(et)+h+part))
        if R.random()<0.3:  # out of order fragments
            pk[-1],pk[-2]=pk[-2],pk[-1]
        return
    pk.append((t[0], l2(et)+ip4(src,dst,seg)))
def icmp_unreach(src,dst,sp,dp,seq,flags):
    t[0]+=0.001
    inner=struct.pack('!BBHHHBBH4s4s',0x45,0,40,0,0x4000,64,6,0,bytes(dst),bytes(src))+tcp(dp,sp,seq,0,flags,1000,0)
    body=struct.pack('!BBHI',3,3,0,0)+inner
    h=struct.pack('!BBHHHBBH4s4s',0x45,0,20+len(body),0,0,64,1,0,bytes(src),bytes(dst))
    pk.append((t[0], l2(b'\x08\x00')+h+body))
def opts_syn(ws, sack, ts):
    o=b'\x02\x04\x05\xb4'
    if ws is not None: o+=b'\x01\x03\x03'+bytes([ws])
    if sack: o+=b'\x04\x02'
    if ts: o+=b'\x08\x0a'+struct.pack('!II',R.getrandbits(32),0)
    return o
nconn=R.randint(1,4)
conns=[]
for c in range(nconn):
    cli=[10,0,0,1+R.randint(0,1)]; srv=[10,0,1,1]
    cp=R.choice([40000,40001,40002]); sp=R.choice([80,443])
    conns.append((cli,srv,cp,sp))
events=[]
for (cli,srv,cp,sp) in conns:
    ci=R.getrandbits(32); si=R.getrandbits(32)
    if R.random()<0.25: ci=0xffffffff-R.randint(0,3000)
    if R.random()<0.25: si=0xffffffff-R.randint(0,3000)
    cws=R.choice([None,0,2,7,14,15]); sws=R.choice([None,0,7])
    handshake=R.random()<0.85
    seq={'c':ci+1,'s':si+1}
    tfo=R.random()<0.1
    if handshake and tfo:
        ln=R.choice([0,20])
        emit(cli,srv,cp,sp,ci,0,0x02,64240,ln,opts_syn(cws,True,False)+b'\x22\x0a'+bytes(8))
        acked=R.choice([ci+1,ci+1+ln])
        emit(srv,cli,sp,cp,si,acked,0x12,65160,0,opts_syn(sws,True,False))
        seq['c']=acked
        emit(cli,srv,cp,sp,acked,si+1,0x10,502,0)
    elif handshake and ECN:
        emit(cli,srv,cp,sp,ci,0,0x1c2,64240,0,opts_syn(cws,True,False))
        emit(srv,cli,sp,cp,si,ci+1,R.choice([0x112,0x192,0x152,0x52]),65160,0,opts_syn(sws,True,False))
        emit(cli,srv,cp,sp,ci+1,si+1,R.choice([0x10,0x110,0x50,0x90]),502,0)
    elif handshake:
        if (not V6) and R.random()<0.15: icmp_unreach(srv,cli,sp,cp,ci,0x02)
        emit(cli,srv,cp,sp,ci,0,0x02,64240,0,opts_syn(cws,R.random()<.5,R.random()<.5))
        if R.random()<0.1: emit(cli,srv,cp,sp,ci,0,0x02,64240,0,opts_syn(cws,True,False))
        emit(srv,cli,sp,cp,si,ci+1,0x12,65160,0,opts_syn(sws,R.random()<.5,False))
        emit(cli,srv,cp,sp,ci+1,si+1,0x10,502,0)
    sent=[]
    win={'c':502,'s':509}
    for k in range(R.randint(0,40)):
        d=R.choice('cccs')
        src,dst,a,b=(cli,srv,cp,sp) if d=='c' else (srv,cli,sp,cp)
        o='s' if d=='c' else 'c'
        r=R.random()
        if r<0.55:
            ln=R.choice([1,10,100,1000,1448])
            s0=seq[d]; seq[d]+=ln
            if R.random()<0.08: continue  # lost (not captured)
            emit(src,dst,a,b,s0,seq[o],0x18,win[d],ln)
            sent.append((d,s0,ln))
            if R.random()<0.1: emit(src,dst,a,b,s0,seq[o],0x18,win[d],ln)  # duplicate
        elif r<0.75:
            w=R.choice([win[d],win[d],0,win[d]+10])
            if w: win[d]=w
            emit(src,dst,a,b,seq[d],seq[o],0x10,w,0)
        elif r<0.82 and sent:
            dd,s0,ln=R.choice(sent)
            if dd==d: emit(src,dst,a,b,s0,seq[o],0x18,win[d],ln)  # retransmission
        elif r<0.87:
            emit(src,dst,a,b,seq[d]-1,seq[o],0x10,win[d],R.choice([0,1]))  # keepalive
        elif r<0.9:
            emit(src,dst,a,b,seq[d],seq[o],0x18,win[d],1)  # probe-like
            if R.random()<0.5: seq[d]+=1
            if R.random()<0.5: emit(dst,src,b,a,seq[o],seq[d],0x10,0,0)
        elif r<0.915:
            # fill the peer's window exactly (window full), then a zero window and a probe
            room=win[o]<<(0 if (cws is None or sws is None) else (sws if d=='c' else cws))
            if 0 < room < 70000:
                ln=min(room,1448); s0=seq[d]; seq[d]+=ln
                emit(src,dst,a,b,s0,seq[o],0x18,win[d],ln)
        elif r<0.93:
            emit(src,dst,a,b,seq[d],seq[o],R.choice([0x01,0x14,0x29,0x03,0x11]),win[d],R.choice([0,5]))
        elif r<0.95:
            # SACK ack
            l=seq[o]+R.randint(1,3000); rr=l+R.randint(1,3000)
            nb=R.choice([1,1,2,4])
            blocks=b''
            for q in range(nb):
                blocks+=struct.pack('!II',(l+q*5000)&0xffffffff,(rr+q*5000)&0xffffffff)
            emit(src,dst,a,b,seq[d],seq[o],0x10,win[d],0,b'\x01\x01\x05'+bytes([2+8*nb])+blocks)
        else:
            emit(src,dst,a,b,seq[d],seq[o],0x10,win[d],0)
    end=R.random()
    if end<0.4:
        emit(cli,srv,cp,sp,seq['c'],seq['s'],0x11,502,0); seq['c']+=1
        emit(srv,cli,sp,cp,seq['s'],seq['c'],0x11,509,0); seq['s']+=1
        emit(cli,srv,cp,sp,seq['c'],seq['s'],0x10,502,0)
    elif end<0.6:
        emit(cli,srv,cp,sp,seq['c'],0,0x04,0,0)
    if R.random()<0.3:  # 4-tuple reuse: new or same ISN, SYN-ACK maybe with another ISN
        isn=R.choice([ci, R.getrandbits(32)])
        emit(cli,srv,cp,sp,isn,0,0x02,64240,0,opts_syn(cws,True,False))
        s2=R.choice([si, R.getrandbits(32)])
        emit(srv,cli,sp,cp,s2,isn+1,0x12,65160,0,opts_syn(sws,True,False))
        emit(cli,srv,cp,sp,isn+1,s2+1,0x10,502,0)
        emit(cli,srv,cp,sp,isn+1,s2+1,0x18,502,100)
# shuffle a little (reordering)
for i in range(len(pk)-1):
    if R.random()<0.05:
        pk[i],pk[i+1]=(pk[i+1][0],pk[i][1]),(pk[i][0],pk[i+1][1])
f=open(out,'wb')
f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
for ts,d in pk:
    f.write(struct.pack('<IIII',int(ts),int(round((ts%1)*1e6))%1000000,len(d),len(d))); f.write(d)
